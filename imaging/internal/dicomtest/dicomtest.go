// Package dicomtest writes small DICOM PET files for tests and benchmarks:
// single-frame images in explicit or implicit VR little endian or explicit
// VR big endian, with the PET attributes carimpi reads. It is not a general
// DICOM writer.
package dicomtest

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Transfer syntaxes.
const (
	ImplicitLE = "1.2.840.10008.1.2"
	ExplicitLE = "1.2.840.10008.1.2.1"
	ExplicitBE = "1.2.840.10008.1.2.2"
)

// Element is one attribute; Items makes it a sequence.
type Element struct {
	Tag   uint32
	VR    string
	Value []byte
	Items [][]Element
}

// Str is a text element padded to even length.
func Str(tag uint32, vr, s string) Element {
	if len(s)%2 == 1 {
		if vr == "UI" {
			s += "\x00"
		} else {
			s += " "
		}
	}
	return Element{Tag: tag, VR: vr, Value: []byte(s)}
}

// DS is a decimal-string element of one or more numbers.
func DS(tag uint32, v ...float64) Element {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.FormatFloat(x, 'g', 12, 64)
	}
	return Str(tag, "DS", strings.Join(parts, `\`))
}

// US is an unsigned short element (byte order fixed at encoding).
func US(tag uint32, v int) Element {
	return Element{Tag: tag, VR: "US", Value: []byte{byte(v), byte(v >> 8)}}
}

// Slice describes one PET slice.
type Slice struct {
	TransferSyntax string // default ExplicitLE
	PatientID      string
	SeriesUID      string
	Modality       string // default PT
	Rows, Cols     int
	PixelSpacing   [2]float64
	IPP            [3]float64
	IOP            [6]float64
	Slope          float64
	Intercept      float64
	Signed         bool
	Pixels         []int32 // stored values, row by row (16 bits)
	// Extra attributes (PET module, times, private tags).
	Extra []Element
}

// PETModule returns the usual SUV attributes.
func PETModule(units, decay string, weightKg, doseBq, halfLife float64, seriesDate, seriesTime, acqTime, injTime string) []Element {
	return []Element{
		Str(0x00080021, "DA", seriesDate), Str(0x00080022, "DA", seriesDate), Str(0x00080031, "TM", seriesTime),
		Str(0x00080032, "TM", acqTime), DS(0x00101030, weightKg), Str(0x00280051, "CS", `ATTN\DECY`),
		Str(0x00541001, "CS", units), Str(0x00541102, "CS", decay),
		{Tag: 0x00540016, VR: "SQ", Items: [][]Element{{Str(0x00181072, "TM", injTime), DS(0x00181074, doseBq), DS(0x00181075, halfLife)}}},
	}
}

// Encode returns the Part 10 file of a slice.
func Encode(s Slice) []byte {
	ts := s.TransferSyntax
	if ts == "" {
		ts = ExplicitLE
	}
	mod := s.Modality
	if mod == "" {
		mod = "PT"
	}
	sign := 0
	if s.Signed {
		sign = 1
	}
	px := make([]byte, 2*len(s.Pixels))
	var order interface {
		binary.ByteOrder
		binary.AppendByteOrder
	} = binary.LittleEndian
	if ts == ExplicitBE {
		order = binary.BigEndian
	}
	for i, v := range s.Pixels {
		order.PutUint16(px[2*i:], uint16(v))
	}
	els := []Element{
		Str(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.128"), Str(0x00080060, "CS", mod),
		Str(0x00100020, "LO", s.PatientID), Str(0x0020000E, "UI", s.SeriesUID),
		DS(0x00200032, s.IPP[:]...), DS(0x00200037, s.IOP[:]...),
		US(0x00280002, 1), Str(0x00280004, "CS", "MONOCHROME2"), US(0x00280010, s.Rows), US(0x00280011, s.Cols),
		DS(0x00280030, s.PixelSpacing[:]...), US(0x00280100, 16), US(0x00280101, 16), US(0x00280102, 15), US(0x00280103, sign),
		DS(0x00281052, s.Intercept), DS(0x00281053, s.Slope),
		{Tag: 0x7FE00010, VR: "OW", Value: px},
	}
	els = append(els, s.Extra...)
	sort.SliceStable(els, func(a, b int) bool { return els[a].Tag < els[b].Tag })
	var meta []byte
	for _, e := range []Element{Str(0x00020002, "UI", "1.2.840.10008.5.1.4.1.1.128"), Str(0x00020003, "UI", "1.2.3.4"), Str(0x00020010, "UI", ts)} {
		meta = appendElement(meta, e, true, binary.LittleEndian)
	}
	out := make([]byte, 128, 1<<16)
	out = append(out, "DICM"...)
	gl := make([]byte, 4)
	binary.LittleEndian.PutUint32(gl, uint32(len(meta)))
	out = appendElement(out, Element{Tag: 0x00020000, VR: "UL", Value: gl}, true, binary.LittleEndian)
	out = append(out, meta...)
	for _, e := range els {
		out = appendElement(out, e, ts != ImplicitLE, order)
	}
	return out
}

func appendElement(b []byte, e Element, explicit bool, order binary.AppendByteOrder) []byte {
	b = order.AppendUint16(b, uint16(e.Tag>>16))
	b = order.AppendUint16(b, uint16(e.Tag))
	val := e.Value
	if e.VR == "US" && order == binary.AppendByteOrder(binary.BigEndian) {
		val = []byte{e.Value[1], e.Value[0]}
	}
	if e.Items != nil {
		val = nil
		for _, it := range e.Items {
			var body []byte
			for _, x := range it {
				body = appendElement(body, x, explicit, order)
			}
			val = order.AppendUint16(val, 0xFFFE)
			val = order.AppendUint16(val, 0xE000)
			val = order.AppendUint32(val, uint32(len(body)))
			val = append(val, body...)
		}
	}
	if explicit {
		b = append(b, e.VR...)
		switch e.VR {
		case "OB", "OW", "SQ", "UN", "UT", "OF", "OD", "OL":
			b = append(b, 0, 0)
			b = order.AppendUint32(b, uint32(len(val)))
		default:
			b = order.AppendUint16(b, uint16(len(val)))
		}
	} else {
		b = order.AppendUint32(b, uint32(len(val)))
	}
	return append(b, val...)
}

// Write writes the slices as IM_0001.dcm, ... into dir.
func Write(dir string, slices []Slice) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, s := range slices {
		if err := os.WriteFile(fmt.Sprintf("%s/IM_%04d.dcm", dir, i+1), Encode(s), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Quantize returns stored int16 values and the slope that represent vals
// (SUV x 1/factor, i.e. Bq/mL) with the slice maximum at 32000.
func Quantize(vals []float64) ([]int32, float64) {
	mx := 0.0
	for _, v := range vals {
		mx = math.Max(mx, math.Abs(v))
	}
	slope := mx / 32000
	if slope == 0 {
		slope = 1
	}
	out := make([]int32, len(vals))
	for i, v := range vals {
		out[i] = int32(math.Round(v / slope))
	}
	return out, slope
}
