package dicom

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	dt "carimpi/imaging/internal/dicomtest"
)

// series builds nz slices of a 4 x 3 image whose stored values are
// signed and whose RescaleSlope differs per slice, at positions along an
// oblique normal, listed in reverse order.
func series(ts string, nz int, iop [6]float64, extra []dt.Element) ([]dt.Slice, [][]float64) {
	row := [3]float64{iop[0], iop[1], iop[2]}
	col := [3]float64{iop[3], iop[4], iop[5]}
	n := crossv(row, col)
	var out []dt.Slice
	var want [][]float64 // Bq/mL per sorted slice
	for k := 0; k < nz; k++ {
		px := make([]int32, 12)
		vals := make([]float64, 12)
		slope := 0.5 + 0.25*float64(k)
		for i := range px {
			px[i] = int32((i - 4) * (k + 1) * 100) // negative values too
			vals[i] = float64(px[i])*slope + 1.5
		}
		ipp := [3]float64{10 + 3.27*float64(k)*n[0], -20 + 3.27*float64(k)*n[1], 30 + 3.27*float64(k)*n[2]}
		out = append([]dt.Slice{{TransferSyntax: ts, PatientID: "P1", SeriesUID: "1.2.3", Rows: 3, Cols: 4,
			PixelSpacing: [2]float64{2, 2.5}, IPP: ipp, IOP: iop, Slope: slope, Intercept: 1.5, Signed: true, Pixels: px,
			Extra: append([]dt.Element{dt.DS(0x00180050, 5)}, extra...)}}, out...)
		want = append(want, vals)
	}
	return out, want
}

var gmlModule = []dt.Element{dt.Str(0x00280051, "CS", `ATTN\DECY`), dt.Str(0x00541001, "CS", "GML"), dt.DS(0x00101030, 70)}

// TestReadSeries: the three native transfer syntaxes, signed pixels,
// per-slice rescale, reverse file order and an oblique orientation give the
// same SUV volume and geometry.
func TestReadSeries(t *testing.T) {
	iop := [6]float64{math.Cos(0.3), math.Sin(0.3), 0, 0, 0, -1} // oblique, coronal-like
	for _, ts := range []string{dt.ExplicitLE, dt.ImplicitLE, dt.ExplicitBE} {
		t.Run(ts, func(t *testing.T) {
			slices, want := series(ts, 5, iop, gmlModule)
			dir := t.TempDir()
			if err := dt.Write(dir, slices); err != nil {
				t.Fatal(err)
			}
			s, err := ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			v := s.Volume
			if v.Nx != 4 || v.Ny != 3 || v.Nz != 5 {
				t.Fatalf("dims %d %d %d", v.Nx, v.Ny, v.Nz)
			}
			// Slice spacing from positions (3.27 mm), not SliceThickness (5 mm).
			if math.Abs(v.VoxelML-2*2.5*3.27/1000) > 1e-15 {
				t.Errorf("voxel_ml %v", v.VoxelML)
			}
			for k := 0; k < 5; k++ {
				for i := 0; i < 12; i++ {
					if got := v.SUV[k*12+i]; got != want[k][i] {
						t.Fatalf("slice %d voxel %d: %v, want %v", k, i, got, want[k][i])
					}
				}
			}
			c := v.Centre(1, 2, 4)
			wantC := [3]float64{10 + 3.27*4*0 + 1*2.5*iop[0] + 2*2*iop[3], 0, 0}
			_ = wantC
			n := crossv([3]float64{iop[0], iop[1], iop[2]}, [3]float64{iop[3], iop[4], iop[5]})
			for r := 0; r < 3; r++ {
				w := [3]float64{10, -20, 30}[r] + 3.27*4*n[r] + 1*2.5*iop[r] + 2*2*iop[3+r]
				if math.Abs(c[r]-w) > 1e-9 {
					t.Errorf("centre[%d] %v, want %v", r, c[r], w)
				}
			}
		})
	}
}

// TestRefusals: what carimpi cannot read is an error naming the fix.
func TestRefusals(t *testing.T) {
	iop := [6]float64{1, 0, 0, 0, 1, 0}
	cases := []struct {
		name, want string
		edit       func(dir string, s []dt.Slice) []dt.Slice
	}{
		{"compressed", "dcmdjpeg", func(_ string, s []dt.Slice) []dt.Slice {
			for i := range s {
				s[i].TransferSyntax = "1.2.840.10008.1.2.4.70"
			}
			return s
		}},
		{"enhanced", "multi-frame", func(_ string, s []dt.Slice) []dt.Slice {
			for i := range s {
				s[i].Extra = append(s[i].Extra, dt.Str(0x00280008, "IS", "2"))
			}
			return s
		}},
		{"missing slice", "not uniform", func(_ string, s []dt.Slice) []dt.Slice { return append(s[:2], s[3:]...) }},
		{"no attenuation correction", "attenuation", func(_ string, s []dt.Slice) []dt.Slice {
			for i := range s {
				s[i].Extra = []dt.Element{dt.Str(0x00280051, "CS", "DECY"), dt.Str(0x00541001, "CS", "GML")}
			}
			return s
		}},
		{"counts", "CNTS", func(_ string, s []dt.Slice) []dt.Slice {
			for i := range s {
				s[i].Extra = []dt.Element{dt.Str(0x00280051, "CS", `ATTN\DECY`), dt.Str(0x00541001, "CS", "CNTS")}
			}
			return s
		}},
		{"not PET", "no PET series", func(_ string, s []dt.Slice) []dt.Slice {
			for i := range s {
				s[i].Modality = "CT"
			}
			return s
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			s, _ := series(dt.ExplicitLE, 5, iop, gmlModule)
			if err := dt.Write(dir, c.edit(dir, s)); err != nil {
				t.Fatal(err)
			}
			_, err := ReadDir(dir)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one mentioning %q", err, c.want)
			}
		})
	}
	// Slices reached through symbolic links are read.
	linked, links := t.TempDir(), t.TempDir()
	s0, _ := series(dt.ExplicitLE, 4, iop, gmlModule)
	dt.Write(linked, s0)
	ents, _ := os.ReadDir(linked)
	for _, e := range ents {
		if err := os.Symlink(filepath.Join(linked, e.Name()), filepath.Join(links, e.Name())); err != nil {
			t.Skip(err)
		}
	}
	if ser, err := ReadDir(links); err != nil || ser.Volume.Nz != 4 {
		t.Errorf("series of symbolic links: %v", err)
	}
	// A truncated file is an error, never a panic.
	dir := t.TempDir()
	s, _ := series(dt.ExplicitLE, 3, iop, gmlModule)
	dt.Write(dir, s)
	p := filepath.Join(dir, "IM_0002.dcm")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, b[:len(b)-7], 0o644)
	if _, err := ReadDir(dir); err == nil {
		t.Error("truncated pixel data: no error")
	}
}

// FuzzParse: any bytes give a data set or an error; never a panic, and
// never an allocation beyond the input's size.
func FuzzParse(f *testing.F) {
	iop := [6]float64{1, 0, 0, 0, 1, 0}
	for _, ts := range []string{dt.ExplicitLE, dt.ImplicitLE, dt.ExplicitBE} {
		s, _ := series(ts, 1, iop, dt.PETModule("BQML", "START", 70, 3.7e8, 6586.2, "20250101", "110000", "110000", "100000"))
		f.Add(dt.Encode(s[0]))
	}
	f.Add([]byte("DICM"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ds, err := Parse(b, false)
		if err != nil {
			return
		}
		fi := fileFromDataSet("fuzz", ds)
		if px, err := ds.pixelBytes(); err == nil && fi.rows*fi.cols <= 1<<20 {
			dst := make([]float64, fi.rows*fi.cols)
			_ = decode(px, ds.order, fi.bits, fi.stored, fi.signed, fi.slope, fi.intercept, 1, dst)
		}
	})
}

// TestLongHeader: a header longer than the first read, cut exactly at an
// element boundary before a tag SUV needs, is read whole.
func TestLongHeader(t *testing.T) {
	iop := [6]float64{1, 0, 0, 0, 1, 0}
	philips := func(pad int) []dt.Element {
		return []dt.Element{dt.Str(0x00280051, "CS", `ATTN\DECY`), dt.Str(0x00541001, "CS", "CNTS"),
			{Tag: 0x70511010, VR: "OB", Value: make([]byte, pad)}, dt.DS(0x70531000, 0.000551)}
	}
	s, _ := series(dt.ExplicitLE, 3, iop, philips(1000))
	b := dt.Encode(s[0])
	at := strings.Index(string(b), "\x53\x70\x00\x10") // (7053,1000) little endian
	pad := 1000 + headerPrefix - at
	if pad%2 == 1 {
		t.Fatal("odd padding")
	}
	s, _ = series(dt.ExplicitLE, 3, iop, philips(pad))
	if got := strings.Index(string(dt.Encode(s[0])), "\x53\x70\x00\x10"); got != headerPrefix {
		t.Fatalf("(7053,1000) at %d, want %d", got, headerPrefix)
	}
	dir := t.TempDir()
	dt.Write(dir, s)
	ser, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ser.SUV.Factor != 0.000551 {
		t.Errorf("factor %v", ser.SUV.Factor)
	}
}
