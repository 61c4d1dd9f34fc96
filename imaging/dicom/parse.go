// Package dicom reads PET image series from DICOM Part 10 files: a small,
// bounded parser of the native (uncompressed) transfer syntaxes, the series
// assembly (slice order and geometry from ImagePositionPatient) and the
// SUV metadata that package suv turns into a scale factor.
//
// The parser is written for hostile input: every length is checked against
// the bytes that remain before anything is allocated, sequences nest at most
// maxDepth deep, and no input makes it panic (see FuzzParse). Compressed and
// deflated transfer syntaxes are refused with the command that converts them.
package dicom

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Tag is a DICOM attribute tag, group<<16 | element.
type Tag uint32

func (t Tag) String() string { return fmt.Sprintf("(%04X,%04X)", uint32(t)>>16, uint32(t)&0xffff) }

// Tags used by carimpi.
const (
	tagTransferSyntax      Tag = 0x00020010
	tagSOPClassUID         Tag = 0x00080016
	tagImageType           Tag = 0x00080008
	tagSeriesDate          Tag = 0x00080021
	tagAcquisitionDate     Tag = 0x00080022
	tagSeriesTime          Tag = 0x00080031
	tagAcquisitionTime     Tag = 0x00080032
	tagAcquisitionDateTime Tag = 0x0008002A
	tagModality            Tag = 0x00080060
	tagManufacturer        Tag = 0x00080070
	tagGEScanDateTime      Tag = 0x0009100D
	tagPatientID           Tag = 0x00100020
	tagPatientSex          Tag = 0x00100040
	tagPatientSize         Tag = 0x00101020
	tagPatientWeight       Tag = 0x00101030
	tagSeriesUID           Tag = 0x0020000E
	tagImagePosition       Tag = 0x00200032
	tagImageOrientation    Tag = 0x00200037
	tagInstanceNumber      Tag = 0x00200013
	tagSamplesPerPixel     Tag = 0x00280002
	tagNumberOfFrames      Tag = 0x00280008
	tagRows                Tag = 0x00280010
	tagColumns             Tag = 0x00280011
	tagPixelSpacing        Tag = 0x00280030
	tagBitsAllocated       Tag = 0x00280100
	tagBitsStored          Tag = 0x00280101
	tagPixelRepresentation Tag = 0x00280103
	tagRescaleIntercept    Tag = 0x00281052
	tagRescaleSlope        Tag = 0x00281053
	tagCorrectedImage      Tag = 0x00280051
	tagUnits               Tag = 0x00541001
	tagDecayCorrection     Tag = 0x00541102
	tagFrameReferenceTime  Tag = 0x00541300
	tagActualFrameDuration Tag = 0x00181242
	tagSUVType             Tag = 0x00541006
	tagRadiopharmSequence  Tag = 0x00540016
	tagRadiopharmStartTime Tag = 0x00181072
	tagRadionuclideDose    Tag = 0x00181074
	tagRadionuclideHalf    Tag = 0x00181075
	tagRadiopharmStartDT   Tag = 0x00181078
	tagPhilipsSUVFactor    Tag = 0x70531000
	tagPhilipsActivity     Tag = 0x70531009
	tagPerFrameFunctional  Tag = 0x52009230
	tagSharedFunctional    Tag = 0x52009229
	tagPixelData           Tag = 0x7FE00010
	tagItem                Tag = 0xFFFEE000
	tagItemDelim           Tag = 0xFFFEE00D
	tagSeqDelim            Tag = 0xFFFEE0DD
)

const (
	undefinedLength = 0xFFFFFFFF
	maxDepth        = 8
)

// Transfer syntaxes read natively.
const (
	tsImplicitLE = "1.2.840.10008.1.2"
	tsExplicitLE = "1.2.840.10008.1.2.1"
	tsExplicitBE = "1.2.840.10008.1.2.2"
	tsDeflated   = "1.2.840.10008.1.2.1.99"
)

// element is one parsed attribute. Value aliases the file's bytes.
type element struct {
	vr    string
	value []byte
	items []*DataSet // sequences only
	undef bool       // undefined length (encapsulated pixel data)
}

// DataSet is the parsed content of one file or sequence item.
type DataSet struct {
	elems map[Tag]*element
	order binary.ByteOrder
	// TransferSyntax is the file's transfer syntax UID ("" for a bare
	// dataset without file meta information, read as implicit VR little endian).
	TransferSyntax string
	// atPixels is set when a header-only parse stopped at the pixel data.
	atPixels bool
}

// ErrNotDICOM is returned for a file without the "DICM" marker whose start
// does not look like a DICOM dataset either.
var ErrNotDICOM = errors.New("not a DICOM file")

// sequenceTags are read as sequences also in implicit VR, where the file does
// not say so.
var sequenceTags = map[Tag]bool{tagRadiopharmSequence: true, tagPerFrameFunctional: true, tagSharedFunctional: true}

// Parse reads a DICOM Part 10 file (or a bare implicit-VR dataset). With
// headerOnly, parsing stops at the pixel data, which is then absent.
func Parse(b []byte, headerOnly bool) (*DataSet, error) {
	p := &parser{b: b, headerOnly: headerOnly}
	ds := &DataSet{elems: map[Tag]*element{}, order: binary.LittleEndian}
	switch {
	case len(b) >= 132 && string(b[128:132]) == "DICM":
		p.pos = 132
	case len(b) >= 4 && string(b[:4]) == "DICM":
		p.pos = 4
	default:
		// A bare dataset: implicit VR little endian starting with group 0008 (or 0002).
		if len(b) < 8 || (b[1] != 0 || (b[0] != 8 && b[0] != 2)) {
			return nil, ErrNotDICOM
		}
		ds.TransferSyntax = tsImplicitLE
		if err := p.readDataSet(ds, false, binary.LittleEndian, len(b), 0); err != nil {
			return nil, err
		}
		return ds, nil
	}
	// File meta information: always explicit VR little endian, group 0002.
	meta := &DataSet{elems: map[Tag]*element{}, order: binary.LittleEndian}
	for p.pos+4 <= len(b) && binary.LittleEndian.Uint16(b[p.pos:]) == 0x0002 {
		if err := p.readElement(meta, true, binary.LittleEndian, len(b), 0); err != nil {
			return nil, fmt.Errorf("file meta information: %w", err)
		}
	}
	ts := meta.String(tagTransferSyntax)
	ds.TransferSyntax = ts
	explicit, order := true, binary.ByteOrder(binary.LittleEndian)
	switch ts {
	case tsImplicitLE:
		explicit = false
	case tsExplicitLE, "":
		if ts == "" {
			ds.TransferSyntax = tsExplicitLE
		}
	case tsExplicitBE:
		order = binary.BigEndian
	case tsDeflated:
		return nil, fmt.Errorf("deflated transfer syntax %s is not supported; convert with 'gdcmconv --raw IN OUT' or 'dcmconv +te IN OUT'", ts)
	default:
		// Compressed: the header is explicit VR little endian and still
		// readable (to group and name the file); the pixels are refused.
		if !headerOnly {
			return nil, compressedError(ts)
		}
	}
	ds.order = order
	for t, e := range meta.elems {
		ds.elems[t] = e
	}
	if err := p.readDataSet(ds, explicit, order, len(b), 0); err != nil {
		return nil, err
	}
	ds.atPixels = p.stop
	return ds, nil
}

type parser struct {
	b          []byte
	pos        int
	headerOnly bool
	stop       bool
}

// readDataSet reads elements until end (exclusive) or an item delimiter.
func (p *parser) readDataSet(ds *DataSet, explicit bool, order binary.ByteOrder, end, depth int) error {
	for p.pos < end && !p.stop {
		if end-p.pos < 8 {
			return fmt.Errorf("truncated element header at byte %d", p.pos)
		}
		if tagAt(p.b[p.pos:], order) == tagItemDelim {
			p.pos += 8
			return nil
		}
		if err := p.readElement(ds, explicit, order, end, depth); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) readElement(ds *DataSet, explicit bool, order binary.ByteOrder, end, depth int) error {
	b := p.b
	if end-p.pos < 8 {
		return fmt.Errorf("truncated element header at byte %d", p.pos)
	}
	tag := tagAt(b[p.pos:], order)
	var vr string
	var vl uint32
	if explicit && tag>>16 != 0xFFFE {
		vr = string(b[p.pos+4 : p.pos+6])
		switch vr {
		case "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV":
			if end-p.pos < 12 {
				return fmt.Errorf("truncated element header %v at byte %d", tag, p.pos)
			}
			vl = order.Uint32(b[p.pos+8:])
			p.pos += 12
		default:
			if vr[0] < 'A' || vr[0] > 'Z' || vr[1] < 'A' || vr[1] > 'Z' {
				return fmt.Errorf("element %v at byte %d: invalid value representation %q", tag, p.pos, vr)
			}
			vl = uint32(order.Uint16(b[p.pos+6:]))
			p.pos += 8
		}
	} else {
		vl = order.Uint32(b[p.pos+4:])
		p.pos += 8
	}
	if tag == tagPixelData && p.headerOnly && depth == 0 {
		p.stop = true
		return nil
	}
	isSeq := vr == "SQ" || (vr == "" && sequenceTags[tag]) || (vl == undefinedLength && tag != tagPixelData && (vr == "" || vr == "UN"))
	if isSeq {
		if depth >= maxDepth {
			return fmt.Errorf("element %v: sequences nested deeper than %d", tag, maxDepth)
		}
		seqEnd := end
		if vl != undefinedLength {
			if int64(vl) > int64(end-p.pos) {
				return fmt.Errorf("sequence %v at byte %d: length %d exceeds the %d bytes left", tag, p.pos, vl, end-p.pos)
			}
			seqEnd = p.pos + int(vl)
		}
		el := &element{vr: "SQ"}
		// An implicit-VR sequence inside an explicit file (UN with undefined length) is implicit.
		itemExplicit := explicit && vr != "UN"
		for p.pos < seqEnd {
			it, ilen, err := p.item(order, seqEnd)
			if err != nil {
				return fmt.Errorf("sequence %v: %w", tag, err)
			}
			if it == tagSeqDelim {
				break
			}
			if it != tagItem {
				return fmt.Errorf("sequence %v: expected an item at byte %d, found %v", tag, p.pos-8, it)
			}
			item := &DataSet{elems: map[Tag]*element{}, order: order}
			itemEnd := seqEnd
			if ilen != undefinedLength {
				if int64(ilen) > int64(seqEnd-p.pos) {
					return fmt.Errorf("sequence %v: item length %d exceeds the %d bytes left", tag, ilen, seqEnd-p.pos)
				}
				itemEnd = p.pos + int(ilen)
			}
			if err := p.readDataSet(item, itemExplicit, order, itemEnd, depth+1); err != nil {
				return fmt.Errorf("sequence %v: %w", tag, err)
			}
			if ilen != undefinedLength {
				p.pos = itemEnd
			}
			if len(el.items) < 1<<16 {
				el.items = append(el.items, item)
			}
		}
		ds.elems[tag] = el
		return nil
	}
	if vl == undefinedLength {
		// Encapsulated pixel data: skip its fragments and keep a marker;
		// the caller refuses it.
		for {
			it, flen, err := p.item(order, end)
			if err != nil {
				return fmt.Errorf("encapsulated %v: %w", tag, err)
			}
			if it == tagSeqDelim {
				break
			}
			if it != tagItem || int64(flen) > int64(end-p.pos) {
				return fmt.Errorf("encapsulated %v: bad fragment at byte %d", tag, p.pos-8)
			}
			p.pos += int(flen)
		}
		ds.elems[tag] = &element{vr: vr, undef: true}
		return nil
	}
	if int64(vl) > int64(end-p.pos) {
		return fmt.Errorf("element %v at byte %d: length %d exceeds the %d bytes left in the file (truncated?)", tag, p.pos, vl, end-p.pos)
	}
	ds.elems[tag] = &element{vr: vr, value: b[p.pos : p.pos+int(vl)]}
	p.pos += int(vl)
	return nil
}

// tagAt reads the tag at the start of b (at least 4 bytes).
func tagAt(b []byte, order binary.ByteOrder) Tag {
	return Tag(uint32(order.Uint16(b))<<16 | uint32(order.Uint16(b[2:])))
}

// item reads an item or delimiter header (tag and 32-bit length) before end.
func (p *parser) item(order binary.ByteOrder, end int) (Tag, uint32, error) {
	if end-p.pos < 8 {
		return 0, 0, fmt.Errorf("truncated item at byte %d", p.pos)
	}
	t, n := tagAt(p.b[p.pos:], order), order.Uint32(p.b[p.pos+4:])
	p.pos += 8
	return t, n, nil
}

// Has reports whether the tag is present.
func (d *DataSet) Has(t Tag) bool { _, ok := d.elems[t]; return ok }

// String returns the tag's value as text, trimmed of padding.
func (d *DataSet) String(t Tag) string {
	e, ok := d.elems[t]
	if !ok {
		return ""
	}
	return strings.Trim(string(e.value), " \x00")
}

// Strings returns a multi-valued text attribute split at backslashes.
func (d *DataSet) Strings(t Tag) []string {
	s := d.String(t)
	if s == "" {
		return nil
	}
	parts := strings.Split(s, `\`)
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// Floats returns a numeric attribute (DS/IS text or binary FD/FL/US/SS/UL/SL)
// as float64 values; ok is false when absent or unreadable.
func (d *DataSet) Floats(t Tag) ([]float64, bool) {
	e, ok := d.elems[t]
	if !ok || len(e.value) == 0 {
		return nil, false
	}
	v := e.value
	switch e.vr {
	case "FD":
		return binaryFloats(v, 8, func(b []byte) float64 { return math.Float64frombits(d.order.Uint64(b)) })
	case "FL":
		return binaryFloats(v, 4, func(b []byte) float64 { return float64(math.Float32frombits(d.order.Uint32(b))) })
	case "US":
		return binaryFloats(v, 2, func(b []byte) float64 { return float64(d.order.Uint16(b)) })
	case "SS":
		return binaryFloats(v, 2, func(b []byte) float64 { return float64(int16(d.order.Uint16(b))) })
	case "UL":
		return binaryFloats(v, 4, func(b []byte) float64 { return float64(d.order.Uint32(b)) })
	case "SL":
		return binaryFloats(v, 4, func(b []byte) float64 { return float64(int32(d.order.Uint32(b))) })
	}
	parts := d.Strings(t)
	out := make([]float64, 0, len(parts))
	for _, s := range parts {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, false
		}
		out = append(out, f)
	}
	return out, len(out) > 0
}

// Float returns the first value of a numeric attribute.
func (d *DataSet) Float(t Tag) (float64, bool) {
	f, ok := d.Floats(t)
	if !ok {
		return 0, false
	}
	return f[0], true
}

// Uint16 reads a US attribute, also when implicit VR leaves its type unknown.
func (d *DataSet) Uint16(t Tag) (int, bool) {
	e, ok := d.elems[t]
	if !ok {
		return 0, false
	}
	if (e.vr == "US" || e.vr == "") && len(e.value) >= 2 {
		return int(d.order.Uint16(e.value)), true
	}
	f, ok := d.Float(t)
	if !ok || f < 0 || f > math.MaxInt32 || f != math.Trunc(f) {
		return 0, false
	}
	return int(f), true
}

// Item returns the first item of a sequence, or nil.
func (d *DataSet) Item(t Tag) *DataSet {
	e, ok := d.elems[t]
	if !ok || len(e.items) == 0 {
		return nil
	}
	return e.items[0]
}

// privateFloat reads a private numeric tag whose VR may be unknown (implicit
// VR): decimal text, else a binary float of its length.
func (d *DataSet) privateFloat(t Tag) (float64, bool) {
	e, ok := d.elems[t]
	if !ok || len(e.value) == 0 {
		return 0, false
	}
	if e.vr != "" && e.vr != "UN" && e.vr != "OB" {
		return d.Float(t)
	}
	if f, err := strconv.ParseFloat(strings.Trim(string(e.value), " \x00"), 64); err == nil {
		return f, true
	}
	switch len(e.value) {
	case 8:
		return math.Float64frombits(d.order.Uint64(e.value)), true
	case 4:
		return float64(math.Float32frombits(d.order.Uint32(e.value))), true
	}
	return 0, false
}

func binaryFloats(v []byte, size int, f func([]byte) float64) ([]float64, bool) {
	if len(v)%size != 0 || len(v) == 0 {
		return nil, false
	}
	out := make([]float64, len(v)/size)
	for i := range out {
		out[i] = f(v[i*size:])
	}
	return out, true
}

func compressedError(ts string) error {
	return fmt.Errorf("compressed transfer syntax %s is not supported; decompress with 'dcmdjpeg IN OUT' (JPEG), 'dcmdjp2k IN OUT' (JPEG 2000) or 'gdcmconv --raw IN OUT'", ts)
}

// native reports whether a transfer syntax is read natively.
func native(ts string) bool {
	return ts == tsImplicitLE || ts == tsExplicitLE || ts == tsExplicitBE
}

// pixelBytes returns the native pixel data, or an error naming the fix.
func (d *DataSet) pixelBytes() ([]byte, error) {
	e, ok := d.elems[tagPixelData]
	if !ok {
		return nil, errors.New("no pixel data (7FE0,0010)")
	}
	if e.undef {
		return nil, errors.New("encapsulated (compressed) pixel data; decompress with 'dcmdjpeg IN OUT' or 'gdcmconv --raw IN OUT'")
	}
	return e.value, nil
}
