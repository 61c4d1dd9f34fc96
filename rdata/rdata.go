// Package rdata reads R's serialization format: the files R's save()
// (.RData, .rda) and saveRDS() (.rds) write, compressed with gzip, bzip2
// or xz or not at all, in serialization format versions 2 and 3, XDR
// (R's default binary), native little-endian binary or ASCII.
//
// It decodes the values data are made of: logical, integer, double,
// complex, character and raw vectors, lists (generic vectors), pairlists,
// symbols and attributes, so arrays and matrices (the "dim" attribute),
// factors, data frames and tibbles (lists with "names" and "class")
// come out whole. Everything else R can serialize (environments,
// closures, language objects, byte code, external pointers, S4 objects,
// ALTREP classes other than R's compact sequences and wrappers) is read
// as an opaque Value of its type with its attributes, so that a file
// holding them still reads. Malformed input is an error, never a panic:
// every length is checked against the bytes left before anything is
// allocated, and nesting is bounded.
//
// The format is R's src/main/serialize.c (R Internals, "Serialization
// Formats"): a header ("X\n" for XDR; version; writer's R version;
// minimal reader version; for version 3 the native encoding) and one
// item, written depth first. Each item starts with a 32-bit flags word:
// type = flags & 0xff, "is object" = bit 8, "has attributes" = bit 9,
// "has tag" = bit 10, and for CHARSXP the encoding in bits 12-27. An
// RData file is "RDX2\n" or "RDX3\n" followed by one serialized pairlist
// whose tags are the objects' names.
package rdata

import (
	"fmt"
	"math"
	"strings"
)

// Type is R's SEXPTYPE.
type Type uint8

// The R types (SEXPTYPE codes of R's Rinternals.h).
const (
	Nil         Type = 0
	Symbol      Type = 1
	Pairlist    Type = 2
	Closure     Type = 3
	Environment Type = 4
	Promise     Type = 5
	Language    Type = 6
	Special     Type = 7
	Builtin     Type = 8
	Char        Type = 9
	Logical     Type = 10
	Integer     Type = 13
	Double      Type = 14
	Complex     Type = 15
	Character   Type = 16
	Dots        Type = 17
	List        Type = 19 // VECSXP, a generic vector
	Expression  Type = 20
	Bytecode    Type = 21
	ExtPtr      Type = 22
	WeakRef     Type = 23
	Raw         Type = 24
	S4          Type = 25
)

var typeNames = map[Type]string{
	Nil: "NULL", Symbol: "symbol", Pairlist: "pairlist", Closure: "closure", Environment: "environment",
	Promise: "promise", Language: "language", Special: "special", Builtin: "builtin", Char: "char",
	Logical: "logical", Integer: "integer", Double: "double", Complex: "complex", Character: "character",
	Dots: "...", List: "list", Expression: "expression", Bytecode: "bytecode", ExtPtr: "externalptr",
	WeakRef: "weakref", Raw: "raw", S4: "S4",
}

// String returns R's typeof() name of t.
func (t Type) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("type %d", uint8(t))
}

// NAInteger is R's NA for integers and logicals (INT_MIN).
const NAInteger = math.MinInt32

// IsNA reports whether a double is R's NA_real_ (a NaN with low word
// 1954), as opposed to another NaN.
func IsNA(x float64) bool {
	return math.IsNaN(x) && uint32(math.Float64bits(x)) == 1954
}

// Value is one R object. Exactly the field of its Type is set: Ints for
// logical and integer vectors (NAInteger = NA; logicals are 0, 1 or NA),
// Doubles, Complexes, Strings (with NA marking NA_character_; NA is nil
// when there is none), Raw, Elems for lists and expression vectors, Nodes
// for pairlists and language objects, Name for symbols. Attributes are
// kept in order for every type. Opaque types (environments, closures,
// ...) carry only Type and Attrs.
type Value struct {
	Type      Type
	Object    bool // R's OBJECT bit: the value has a class attribute
	Ints      []int32
	Doubles   []float64
	Complexes []complex128
	Strings   []string
	NA        []bool
	Raw       []byte
	Elems     []*Value
	Nodes     []Node
	Name      string
	Attrs     []Node
}

// Node is one cell of a pairlist or attribute list: a tag ("" when
// untagged) and its value.
type Node struct {
	Tag   string
	Value *Value
}

// Len returns the number of elements of a vector, list or pairlist (0 for
// other types).
func (v *Value) Len() int {
	if v == nil {
		return 0
	}
	switch v.Type {
	case Logical, Integer:
		return len(v.Ints)
	case Double:
		return len(v.Doubles)
	case Complex:
		return len(v.Complexes)
	case Character:
		return len(v.Strings)
	case Raw:
		return len(v.Raw)
	case List, Expression:
		return len(v.Elems)
	case Pairlist, Language, Dots:
		return len(v.Nodes)
	}
	return 0
}

// Attr returns the attribute name, or nil.
func (v *Value) Attr(name string) *Value {
	if v == nil {
		return nil
	}
	for _, a := range v.Attrs {
		if a.Tag == name {
			return a.Value
		}
	}
	return nil
}

// Names returns the "names" attribute (for a pairlist: the tags), or nil.
func (v *Value) Names() []string {
	if v == nil {
		return nil
	}
	if n := v.Attr("names"); n != nil && n.Type == Character {
		return n.Strings
	}
	if v.Type == Pairlist {
		tags := make([]string, len(v.Nodes))
		for i, n := range v.Nodes {
			tags[i] = n.Tag
		}
		return tags
	}
	return nil
}

// Class returns the "class" attribute, or nil.
func (v *Value) Class() []string {
	if c := v.Attr("class"); c != nil && c.Type == Character {
		return c.Strings
	}
	return nil
}

// Inherits reports whether class is one of the value's classes.
func (v *Value) Inherits(class string) bool {
	for _, c := range v.Class() {
		if c == class {
			return true
		}
	}
	return false
}

// Dim returns the "dim" attribute (an array's extents), or nil.
func (v *Value) Dim() []int {
	d := v.Attr("dim")
	if d == nil || (d.Type != Integer && d.Type != Double) {
		return nil
	}
	out := make([]int, d.Len())
	for i := range out {
		if d.Type == Integer {
			out[i] = int(d.Ints[i])
		} else {
			out[i] = int(d.Doubles[i])
		}
	}
	return out
}

// DimNames returns the "dimnames" attribute as one string slice per
// dimension (nil where R has NULL), or nil.
func (v *Value) DimNames() [][]string {
	d := v.Attr("dimnames")
	if d == nil || d.Type != List {
		return nil
	}
	out := make([][]string, len(d.Elems))
	for i, e := range d.Elems {
		if e != nil && e.Type == Character {
			out[i] = e.Strings
		}
	}
	return out
}

// Get returns the element called name of a list (a data frame's column)
// or pairlist, or nil.
func (v *Value) Get(name string) *Value {
	if v == nil {
		return nil
	}
	switch v.Type {
	case List, Expression:
		for i, n := range v.Names() {
			if n == name && i < len(v.Elems) {
				return v.Elems[i]
			}
		}
	case Pairlist:
		for _, n := range v.Nodes {
			if n.Tag == name {
				return n.Value
			}
		}
	}
	return nil
}

// Float64s returns a numeric vector's values as float64 (integer and
// logical NA become NaN), or nil for other types.
func (v *Value) Float64s() []float64 {
	if v == nil {
		return nil
	}
	switch v.Type {
	case Double:
		return v.Doubles
	case Integer, Logical:
		out := make([]float64, len(v.Ints))
		for i, x := range v.Ints {
			if x == NAInteger {
				out[i] = math.NaN()
			} else {
				out[i] = float64(x)
			}
		}
		return out
	}
	return nil
}

// Describe returns a short description such as `double [14 x 2]`,
// `list "tbl_df" (3)` or `character (14)`, for error messages.
func (v *Value) Describe() string {
	if v == nil {
		return "NULL"
	}
	s := v.Type.String()
	if c := v.Class(); len(c) > 0 {
		s += ` "` + strings.Join(c, `", "`) + `"`
	}
	if d := v.Dim(); d != nil {
		parts := make([]string, len(d))
		for i, x := range d {
			parts[i] = fmt.Sprint(x)
		}
		return s + " [" + strings.Join(parts, " x ") + "]"
	}
	return s + fmt.Sprintf(" (%d)", v.Len())
}
