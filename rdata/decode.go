package rdata

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ulikunitz/xz"
)

// File is a decoded RData or RDS file.
type File struct {
	// Kind is "RData" (save()) or "RDS" (saveRDS()).
	Kind string
	// Compression is "gzip", "bzip2", "xz" or "none".
	Compression string
	// Format is "xdr", "binary" (native little-endian) or "ascii".
	Format string
	// Version is the serialization format version (2 or 3).
	Version int
	// WriterVersion and MinReaderVersion are R versions such as "4.2.2".
	WriterVersion, MinReaderVersion string
	// Encoding is the writer's native encoding (version 3 only).
	Encoding string
	// Objects are an RData file's objects in the order saved; an RDS
	// file has one, with an empty name.
	Objects []Node
}

// Get returns the object called name, or nil.
func (f *File) Get(name string) *Value {
	for _, o := range f.Objects {
		if o.Tag == name {
			return o.Value
		}
	}
	return nil
}

// Names returns the names of the objects, in order.
func (f *File) Names() []string {
	out := make([]string, len(f.Objects))
	for i, o := range f.Objects {
		out[i] = o.Tag
	}
	return out
}

// DefaultMaxSize is the largest decompressed size Read accepts (1 GiB).
const DefaultMaxSize = 1 << 30

// maxDepth bounds the nesting of values (R's own limit is similar).
const maxDepth = 5000

// Read reads a whole RData or RDS file from r, decompressing it (at most
// maxSize bytes once decompressed; 0 means DefaultMaxSize).
func Read(r io.Reader, maxSize int64) (*File, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	var head [6]byte
	n, err := io.ReadFull(r, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("rdata: empty file")
		}
		return nil, fmt.Errorf("rdata: %v", err)
	}
	src := io.MultiReader(bytes.NewReader(head[:n]), r)
	comp := "none"
	switch {
	case n >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		comp = "gzip"
		zr, err := gzip.NewReader(src)
		if err != nil {
			return nil, fmt.Errorf("rdata: gzip: %v", err)
		}
		src = zr
	case n >= 3 && string(head[:3]) == "BZh":
		comp = "bzip2"
		src = bzip2.NewReader(src)
	case n >= 6 && string(head[:6]) == "\xfd7zXZ\x00":
		comp = "xz"
		zr, err := xz.NewReader(src)
		if err != nil {
			return nil, fmt.Errorf("rdata: xz: %v", err)
		}
		src = zr
	}
	b, err := io.ReadAll(io.LimitReader(src, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("rdata: %s: %v", comp, err)
	}
	if int64(len(b)) > maxSize {
		return nil, fmt.Errorf("rdata: more than %d bytes once decompressed", maxSize)
	}
	f, err := Decode(b)
	if err != nil {
		return nil, err
	}
	f.Compression = comp
	return f, nil
}

// Decode decodes an uncompressed RData or RDS file.
func Decode(b []byte) (*File, error) {
	f := &File{Kind: "RDS", Compression: "none"}
	if len(b) >= 5 && b[0] == 'R' && b[1] == 'D' && b[4] == '\n' && (b[3] == '2' || b[3] == '3') {
		f.Kind = "RData"
		b = b[5:]
	}
	if len(b) < 2 || b[1] != '\n' {
		return nil, errors.New("rdata: not an R data file (no RDX2/RDX3 or serialization header)")
	}
	d := &decoder{b: b, pos: 2}
	switch b[0] {
	case 'X':
		f.Format = "xdr"
	case 'B':
		f.Format, d.native = "binary", true
	case 'A':
		f.Format, d.ascii = "ascii", true
	default:
		return nil, fmt.Errorf("rdata: unknown serialization format %q", b[0])
	}
	if err := d.header(f); err != nil {
		return nil, err
	}
	v, err := d.item(0)
	if err != nil {
		return nil, err
	}
	if f.Kind == "RDS" {
		f.Objects = []Node{{"", v}}
		return f, nil
	}
	if v.Type != Pairlist && v.Type != Nil {
		return nil, fmt.Errorf("rdata: an RData file holds a pairlist of objects, not %s", v.Describe())
	}
	f.Objects = v.Nodes
	return f, nil
}

func (d *decoder) header(f *File) error {
	var h [3]int32
	for i := range h {
		x, err := d.int()
		if err != nil {
			return err
		}
		h[i] = x
	}
	f.Version = int(h[0])
	if f.Version != 2 && f.Version != 3 {
		return fmt.Errorf("rdata: serialization version %d: this reader knows versions 2 and 3", f.Version)
	}
	f.WriterVersion, f.MinReaderVersion = rVersion(h[1]), rVersion(h[2])
	if f.Version == 3 {
		n, err := d.int()
		if err != nil {
			return err
		}
		s, err := d.str(int(n))
		if err != nil {
			return err
		}
		f.Encoding = s
	}
	return nil
}

// rVersion formats R's packed version number (R_Version(v, p, s) =
// v*65536 + p*256 + s).
func rVersion(v int32) string {
	return fmt.Sprintf("%d.%d.%d", v/65536, (v/256)%256, v%256)
}

// decoder reads one serialized stream. refs is R's reference table
// (symbols, environments and other reference objects in the order read).
type decoder struct {
	b      []byte
	pos    int
	native bool // little-endian binary
	ascii  bool
	refs   []*Value
}

func (d *decoder) errorf(format string, args ...any) error {
	return fmt.Errorf("rdata: at byte %d: %s", d.pos, fmt.Sprintf(format, args...))
}

var errTruncated = errors.New("truncated")

func (d *decoder) need(n int) error {
	if n < 0 || n > len(d.b)-d.pos {
		return d.errorf("file ends early (%v)", errTruncated)
	}
	return nil
}

// word returns the next whitespace-delimited token (ASCII format).
func (d *decoder) word() (string, error) {
	for d.pos < len(d.b) && isSpace(d.b[d.pos]) {
		d.pos++
	}
	start := d.pos
	for d.pos < len(d.b) && !isSpace(d.b[d.pos]) {
		d.pos++
	}
	if start == d.pos {
		return "", d.errorf("file ends early (%v)", errTruncated)
	}
	return string(d.b[start:d.pos]), nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

func (d *decoder) int() (int32, error) {
	if d.ascii {
		w, err := d.word()
		if err != nil {
			return 0, err
		}
		if w == "NA" {
			return NAInteger, nil
		}
		x, err := strconv.ParseInt(w, 10, 32)
		if err != nil {
			return 0, d.errorf("%q is not an integer", w)
		}
		return int32(x), nil
	}
	if err := d.need(4); err != nil {
		return 0, err
	}
	p := d.b[d.pos : d.pos+4]
	d.pos += 4
	if d.native {
		return int32(binary.LittleEndian.Uint32(p)), nil
	}
	return int32(binary.BigEndian.Uint32(p)), nil
}

// naReal is R's NA_real_.
var naReal = math.Float64frombits(0x7ff00000000007a2)

func (d *decoder) double() (float64, error) {
	if d.ascii {
		w, err := d.word()
		if err != nil {
			return 0, err
		}
		switch w {
		case "NA":
			return naReal, nil
		case "NaN":
			return math.NaN(), nil
		case "Inf":
			return math.Inf(1), nil
		case "-Inf":
			return math.Inf(-1), nil
		}
		x, err := strconv.ParseFloat(w, 64)
		if err != nil {
			return 0, d.errorf("%q is not a number", w)
		}
		return x, nil
	}
	if err := d.need(8); err != nil {
		return 0, err
	}
	p := d.b[d.pos : d.pos+8]
	d.pos += 8
	if d.native {
		return math.Float64frombits(binary.LittleEndian.Uint64(p)), nil
	}
	return math.Float64frombits(binary.BigEndian.Uint64(p)), nil
}

// str reads n bytes of a string (ASCII format: n characters, with R's
// escapes).
func (d *decoder) str(n int) (string, error) {
	if n < 0 {
		return "", d.errorf("negative string length %d", n)
	}
	if !d.ascii {
		if err := d.need(n); err != nil {
			return "", err
		}
		s := string(d.b[d.pos : d.pos+n])
		d.pos += n
		return s, nil
	}
	if n == 0 {
		return "", nil
	}
	for d.pos < len(d.b) && isSpace(d.b[d.pos]) {
		d.pos++
	}
	if err := d.need(n); err != nil { // every character takes at least a byte
		return "", err
	}
	var sb strings.Builder
	for i := 0; i < n; i++ {
		if d.pos >= len(d.b) {
			return "", d.errorf("file ends early (%v)", errTruncated)
		}
		c := d.b[d.pos]
		d.pos++
		if c != '\\' {
			sb.WriteByte(c)
			continue
		}
		if d.pos >= len(d.b) {
			return "", d.errorf("file ends early (%v)", errTruncated)
		}
		c = d.b[d.pos]
		d.pos++
		switch c {
		case 'n':
			c = '\n'
		case 't':
			c = '\t'
		case 'v':
			c = '\v'
		case 'b':
			c = '\b'
		case 'r':
			c = '\r'
		case 'f':
			c = '\f'
		case 'a':
			c = 7
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := 0
			for j := 0; j < 3 && '0' <= c && c <= '7'; j++ {
				v = v*8 + int(c-'0')
				if d.pos >= len(d.b) {
					c = 0
					break
				}
				c = d.b[d.pos]
				d.pos++
			}
			d.pos-- // unget the character after the digits
			c = byte(v)
		}
		sb.WriteByte(c)
	}
	return sb.String(), nil
}

// length reads a vector length (R's InLength: -1 announces a long
// length in two words) and checks that size bytes per element fit in
// what is left.
func (d *decoder) length(size int) (int, error) {
	n, err := d.int()
	if err != nil {
		return 0, err
	}
	l := int64(n)
	if n == -1 {
		hi, err := d.int()
		if err != nil {
			return 0, err
		}
		lo, err := d.int()
		if err != nil {
			return 0, err
		}
		l = int64(uint32(hi))<<32 | int64(uint32(lo))
	}
	if d.ascii {
		size = 2 // a digit and a separator at least
	}
	if l < 0 || l > int64(len(d.b)-d.pos)/int64(size) {
		return 0, d.errorf("vector length %d does not fit in the %d bytes left", l, len(d.b)-d.pos)
	}
	return int(l), nil
}

// Special item types of the serialization (serialize.c).
const (
	refSXP           = 255
	nilValueSXP      = 254
	globalEnvSXP     = 253
	unboundValueSXP  = 252
	missingArgSXP    = 251
	baseNamespaceSXP = 250
	namespaceSXP     = 249
	packageSXP       = 248
	persistSXP       = 247
	classRefSXP      = 246
	genericRefSXP    = 245
	bcRepDef         = 244
	bcRepRef         = 243
	emptyEnvSXP      = 242
	baseEnvSXP       = 241
	attrLangSXP      = 240
	attrListSXP      = 239
	altrepSXP        = 238
)

const (
	isObjectBit = 1 << 8
	hasAttrBit  = 1 << 9
	hasTagBit   = 1 << 10
	latin1Mask  = 1 << 2
)

// item reads one item.
func (d *decoder) item(depth int) (*Value, error) {
	flags, err := d.int()
	if err != nil {
		return nil, err
	}
	return d.itemFlags(flags, depth)
}

func (d *decoder) itemFlags(flags int32, depth int) (*Value, error) {
	if depth > maxDepth {
		return nil, d.errorf("values nested more than %d deep", maxDepth)
	}
	typ := uint8(flags & 0xff)
	hasAttr := flags&hasAttrBit != 0
	var v *Value
	switch typ {
	case nilValueSXP:
		return &Value{Type: Nil}, nil
	case emptyEnvSXP, baseEnvSXP, globalEnvSXP, baseNamespaceSXP:
		return &Value{Type: Environment}, nil
	case unboundValueSXP, missingArgSXP:
		return &Value{Type: Symbol}, nil
	case refSXP:
		i := int(flags >> 8)
		if i == 0 {
			x, err := d.int()
			if err != nil {
				return nil, err
			}
			i = int(x)
		}
		if i < 1 || i > len(d.refs) {
			return nil, d.errorf("reference %d to an object not read (%d so far)", i, len(d.refs))
		}
		return d.refs[i-1], nil
	case persistSXP, packageSXP, namespaceSXP:
		v = &Value{Type: Environment}
		if err := d.stringVec(v, depth); err != nil {
			return nil, err
		}
		d.refs = append(d.refs, v)
		return v, nil
	case uint8(Symbol):
		c, err := d.item(depth + 1)
		if err != nil {
			return nil, err
		}
		if c.Type != Char {
			return nil, d.errorf("symbol name is %s, not a string", c.Type)
		}
		v = &Value{Type: Symbol, Name: c.Strings[0]}
		d.refs = append(d.refs, v)
		return v, nil
	case uint8(Environment):
		if _, err := d.int(); err != nil { // locked
			return nil, err
		}
		v = &Value{Type: Environment}
		d.refs = append(d.refs, v)
		var parts [4]*Value // enclosure, frame, hash table, attributes
		for i := range parts {
			p, err := d.item(depth + 1)
			if err != nil {
				return nil, err
			}
			parts[i] = p
		}
		v.Nodes = parts[1].Nodes
		v.Attrs = parts[3].Nodes
		return v, nil
	case uint8(Pairlist), uint8(Language), uint8(Dots), uint8(Closure), uint8(Promise):
		return d.pairlist(flags, depth)
	case altrepSXP:
		return d.altrep(flags, depth)
	}
	switch typ {
	case uint8(ExtPtr):
		v = &Value{Type: ExtPtr}
		d.refs = append(d.refs, v)
		for i := 0; i < 2; i++ { // protected value, tag
			if _, err := d.item(depth + 1); err != nil {
				return nil, err
			}
		}
	case uint8(WeakRef):
		v = &Value{Type: WeakRef}
		d.refs = append(d.refs, v)
	case uint8(Special), uint8(Builtin):
		n, err := d.int()
		if err != nil {
			return nil, err
		}
		name, err := d.str(int(n))
		if err != nil {
			return nil, err
		}
		v = &Value{Type: Type(typ), Name: name}
	case uint8(Char):
		n, err := d.int()
		if err != nil {
			return nil, err
		}
		if n == -1 {
			v = &Value{Type: Char, Strings: []string{""}, NA: []bool{true}}
			break
		}
		s, err := d.str(int(n))
		if err != nil {
			return nil, err
		}
		if (flags>>12)&latin1Mask != 0 && !utf8.ValidString(s) {
			s = latin1ToUTF8(s)
		}
		v = &Value{Type: Char, Strings: []string{s}}
	case uint8(Logical), uint8(Integer):
		n, err := d.length(4)
		if err != nil {
			return nil, err
		}
		v = &Value{Type: Type(typ), Ints: make([]int32, n)}
		for i := range v.Ints {
			if v.Ints[i], err = d.int(); err != nil {
				return nil, err
			}
		}
	case uint8(Double):
		n, err := d.length(8)
		if err != nil {
			return nil, err
		}
		v = &Value{Type: Double, Doubles: make([]float64, n)}
		for i := range v.Doubles {
			if v.Doubles[i], err = d.double(); err != nil {
				return nil, err
			}
		}
	case uint8(Complex):
		n, err := d.length(16)
		if err != nil {
			return nil, err
		}
		v = &Value{Type: Complex, Complexes: make([]complex128, n)}
		for i := range v.Complexes {
			re, err := d.double()
			if err != nil {
				return nil, err
			}
			im, err := d.double()
			if err != nil {
				return nil, err
			}
			v.Complexes[i] = complex(re, im)
		}
	case uint8(Character):
		n, err := d.length(4)
		if err != nil {
			return nil, err
		}
		v = &Value{Type: Character, Strings: make([]string, n)}
		for i := range v.Strings {
			c, err := d.item(depth + 1)
			if err != nil {
				return nil, err
			}
			if c.Type != Char {
				return nil, d.errorf("element %d of a character vector is %s", i+1, c.Type)
			}
			v.Strings[i] = c.Strings[0]
			if c.NA != nil {
				if v.NA == nil {
					v.NA = make([]bool, n)
				}
				v.NA[i] = true
			}
		}
	case uint8(List), uint8(Expression):
		n, err := d.length(4)
		if err != nil {
			return nil, err
		}
		v = &Value{Type: Type(typ), Elems: make([]*Value, n)}
		for i := range v.Elems {
			if v.Elems[i], err = d.item(depth + 1); err != nil {
				return nil, err
			}
		}
	case uint8(Bytecode):
		v = &Value{Type: Bytecode}
		if err := d.bytecode(depth); err != nil {
			return nil, err
		}
	case uint8(Raw):
		n, err := d.length(1)
		if err != nil {
			return nil, err
		}
		v = &Value{Type: Raw, Raw: make([]byte, n)}
		if d.ascii {
			for i := range v.Raw {
				w, err := d.word()
				if err != nil {
					return nil, err
				}
				x, err := strconv.ParseUint(w, 16, 8)
				if err != nil {
					return nil, d.errorf("raw byte %q", w)
				}
				v.Raw[i] = byte(x)
			}
		} else {
			copy(v.Raw, d.b[d.pos:d.pos+n])
			d.pos += n
		}
	case uint8(S4):
		v = &Value{Type: S4}
	case classRefSXP, genericRefSXP:
		return nil, d.errorf("item type %d cannot occur in a serialized stream", typ)
	default:
		return nil, d.errorf("unknown item type %d", typ)
	}
	v.Object = flags&isObjectBit != 0
	if hasAttr {
		a, err := d.item(depth + 1)
		if err != nil {
			return nil, err
		}
		if v.Type != Char { // R drops a CHARSXP's attributes
			v.Attrs = a.Nodes
		}
	}
	return v, nil
}

// stringVec reads R's InStringVec (a 0, a length, then CHARSXPs).
func (d *decoder) stringVec(v *Value, depth int) error {
	if z, err := d.int(); err != nil || z != 0 {
		if err == nil {
			err = d.errorf("string vector does not start with 0")
		}
		return err
	}
	n, err := d.length(4)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		c, err := d.item(depth + 1)
		if err != nil {
			return err
		}
		if c.Type == Char {
			v.Strings = append(v.Strings, c.Strings[0])
		}
	}
	return nil
}

// pairlist reads a pairlist-like chain (pairlist, language, dots) into
// one Value with a Node per cell, iteratively along the CDRs; closures and
// promises are read the same way and kept opaque. The first cell's
// attributes are the value's.
func (d *decoder) pairlist(flags int32, depth int) (*Value, error) {
	head := &Value{Type: Type(flags & 0xff), Object: flags&isObjectBit != 0}
	first := true
	for {
		typ := uint8(flags & 0xff)
		var attrs []Node
		if flags&hasAttrBit != 0 {
			a, err := d.item(depth + 1)
			if err != nil {
				return nil, err
			}
			attrs = a.Nodes
		}
		tag := ""
		if flags&hasTagBit != 0 {
			t, err := d.item(depth + 1)
			if err != nil {
				return nil, err
			}
			tag = t.Name
			if t.Type == Char && len(t.Strings) == 1 {
				tag = t.Strings[0]
			}
		}
		car, err := d.item(depth + 1)
		if err != nil {
			return nil, err
		}
		if first {
			head.Attrs = attrs
			first = false
		}
		head.Nodes = append(head.Nodes, Node{tag, car})
		next, err := d.int()
		if err != nil {
			return nil, err
		}
		nt := uint8(next & 0xff)
		switch {
		case nt == nilValueSXP:
			return head, nil
		case (typ == uint8(Pairlist) || typ == uint8(Language) || typ == uint8(Dots)) && (nt == uint8(Pairlist) || nt == uint8(Dots)):
			flags = next
		default: // a dotted pair, or a closure's body
			cdr, err := d.itemFlags(next, depth+1)
			if err != nil {
				return nil, err
			}
			head.Nodes = append(head.Nodes, Node{"", cdr})
			return head, nil
		}
	}
}

// altrep reads an ALTREP item: its class (a pairlist of class symbol,
// package symbol and type), its serialized state and its attributes. R's
// compact integer and real sequences, wrappers and deferred strings are
// expanded into ordinary vectors; other classes are opaque.
func (d *decoder) altrep(flags int32, depth int) (*Value, error) {
	var parts [3]*Value // info, state, attributes
	for i := range parts {
		p, err := d.item(depth + 1)
		if err != nil {
			return nil, err
		}
		parts[i] = p
	}
	info, state, attr := parts[0], parts[1], parts[2]
	class := ""
	if info.Type == Pairlist && len(info.Nodes) > 0 && info.Nodes[0].Value.Type == Symbol {
		class = info.Nodes[0].Value.Name
	}
	var v *Value
	switch class {
	case "compact_intseq", "compact_realseq":
		s := state.Float64s()
		if len(s) != 3 || !(s[0] >= 0) || s[0] > float64(len(d.b))*64 {
			return nil, d.errorf("%s with state %v", class, s)
		}
		n := int(s[0])
		if class == "compact_intseq" {
			v = &Value{Type: Integer, Ints: make([]int32, n)}
			for i := range v.Ints {
				v.Ints[i] = int32(s[1] + float64(i)*s[2])
			}
		} else {
			v = &Value{Type: Double, Doubles: make([]float64, n)}
			for i := range v.Doubles {
				v.Doubles[i] = s[1] + float64(i)*s[2]
			}
		}
	case "wrap_integer", "wrap_logical", "wrap_real", "wrap_complex", "wrap_raw", "wrap_string", "wrap_list":
		if (state.Type == Pairlist && len(state.Nodes) > 0) || (state.Type == List && len(state.Elems) > 0) {
			var w *Value
			if state.Type == Pairlist {
				w = state.Nodes[0].Value
			} else {
				w = state.Elems[0]
			}
			c := *w
			v = &c
		}
	case "deferred_string":
		arg := state
		if state.Type == Pairlist && len(state.Nodes) > 0 {
			arg = state.Nodes[0].Value
		}
		if xs := arg.Float64s(); xs != nil {
			v = &Value{Type: Character, Strings: make([]string, len(xs))}
			for i, x := range xs {
				if math.IsNaN(x) {
					if v.NA == nil {
						v.NA = make([]bool, len(xs))
					}
					v.NA[i] = true
					continue
				}
				v.Strings[i] = strconv.FormatFloat(x, 'g', 15, 64)
			}
		}
	}
	if v == nil {
		t := Nil
		if info.Type == Pairlist && len(info.Nodes) > 2 {
			if ts := info.Nodes[2].Value.Float64s(); len(ts) == 1 && ts[0] >= 0 && ts[0] < 256 {
				t = Type(ts[0])
			}
		}
		v = &Value{Type: t}
	}
	v.Object = flags&isObjectBit != 0
	v.Attrs = attr.Nodes
	return v, nil
}

// bytecode consumes R byte code (ReadBC): its representation table
// length, then the code and constant pool, recursively.
func (d *decoder) bytecode(depth int) error {
	n, err := d.length(1)
	if err != nil {
		return err
	}
	reps := n
	return d.bc1(reps, depth)
}

func (d *decoder) bc1(reps, depth int) error {
	if depth > maxDepth {
		return d.errorf("byte code nested more than %d deep", maxDepth)
	}
	if _, err := d.item(depth + 1); err != nil { // the code (an integer vector)
		return err
	}
	n, err := d.length(4)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		t, err := d.int()
		if err != nil {
			return err
		}
		switch t {
		case int32(Bytecode):
			err = d.bc1(reps, depth+1)
		case int32(Language), int32(Pairlist), bcRepDef, bcRepRef, attrLangSXP, attrListSXP:
			err = d.bcLang(t, reps, depth+1)
		default:
			_, err = d.item(depth + 1)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) bcLang(t int32, reps, depth int) error {
	if depth > maxDepth {
		return d.errorf("byte code nested more than %d deep", maxDepth)
	}
	switch t {
	case bcRepRef:
		i, err := d.int()
		if err != nil {
			return err
		}
		if i < 0 || int(i) >= reps {
			return d.errorf("byte code reference %d out of %d", i, reps)
		}
		return nil
	case bcRepDef, int32(Language), int32(Pairlist), attrLangSXP, attrListSXP:
		if t == bcRepDef {
			pos, err := d.int()
			if err != nil {
				return err
			}
			if pos < 0 || int(pos) >= reps {
				return d.errorf("byte code definition %d out of %d", pos, reps)
			}
			if t, err = d.int(); err != nil {
				return err
			}
		}
		if t == attrLangSXP || t == attrListSXP {
			if _, err := d.item(depth + 1); err != nil { // attributes
				return err
			}
		}
		if _, err := d.item(depth + 1); err != nil { // tag
			return err
		}
		for i := 0; i < 2; i++ { // car, cdr
			nt, err := d.int()
			if err != nil {
				return err
			}
			if err := d.bcLang(nt, reps, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	_, err := d.item(depth + 1) // the type word was only a marker
	return err
}

func latin1ToUTF8(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}
