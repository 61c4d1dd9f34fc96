package nifti

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

// TestRoundTrip writes label masks with rotated and flipped affines and
// reads them back: data, dimensions, sform and the qform derived from it.
func TestRoundTrip(t *testing.T) {
	c, s := math.Cos(0.4), math.Sin(0.4)
	affines := [][4][4]float64{
		{{-4, 0, 0, 300}, {0, -4, 0, 250}, {0, 0, 4, -80}, {0, 0, 0, 1}},               // DICOM axial (LPS -> RAS flips)
		{{2 * c, -2.5 * s, 0, 1}, {2 * s, 2.5 * c, 0, 2}, {0, 0, -3, 3}, {0, 0, 0, 1}}, // rotated, z flipped
	}
	for _, a := range affines {
		for _, gz := range []bool{false, true} {
			data := []uint16{0, 1, 2, 3, 65535, 7}
			var buf bytes.Buffer
			if err := WriteUint16(&buf, [3]int{3, 2, 1}, a, data, gz, "test"); err != nil {
				t.Fatal(err)
			}
			img, err := Decode(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range data {
				if img.Data[i] != float64(v) {
					t.Fatalf("voxel %d: %v", i, img.Data[i])
				}
			}
			q := quaternAffine(f32(buf.Bytes(), 256, gz), f32(buf.Bytes(), 260, gz), f32(buf.Bytes(), 264, gz), a[0][3], a[1][3], a[2][3], img.Pixdim, f32(buf.Bytes(), 76, gz))
			for r := 0; r < 3; r++ {
				for k := 0; k < 4; k++ {
					if math.Abs(img.Affine[r][k]-a[r][k]) > 1e-5 || math.Abs(q[r][k]-a[r][k]) > 1e-5 {
						t.Fatalf("affine %v, qform %v, want %v", img.Affine, q, a)
					}
				}
			}
		}
	}
}

// f32 reads a float32 header field of an encoded file.
func f32(b []byte, off int, gz bool) float64 {
	if gz {
		r, _ := gzip.NewReader(bytes.NewReader(b))
		var buf bytes.Buffer
		buf.ReadFrom(r)
		b = buf.Bytes()
	}
	return float64(math.Float32frombits(binary.LittleEndian.Uint32(b[off:])))
}

// header returns a minimal NIfTI-1 header for a float32 image.
func header(dims []int16, datatype int16, slope float32) []byte {
	h := make([]byte, 352)
	binary.LittleEndian.PutUint32(h, 348)
	binary.LittleEndian.PutUint16(h[40:], uint16(len(dims)))
	for i, d := range dims {
		binary.LittleEndian.PutUint16(h[42+2*i:], uint16(d))
	}
	binary.LittleEndian.PutUint16(h[70:], uint16(datatype))
	for i := 0; i < 4; i++ {
		binary.LittleEndian.PutUint32(h[76+4*i:], math.Float32bits(2))
	}
	binary.LittleEndian.PutUint32(h[108:], math.Float32bits(352))
	binary.LittleEndian.PutUint32(h[112:], math.Float32bits(slope))
	copy(h[344:], "n+1\x00")
	return h
}

// TestScaleAndErrors: scl_slope is applied; absurd or truncated files are
// clear errors.
func TestScaleAndErrors(t *testing.T) {
	h := header([]int16{2, 1, 1}, DTInt16, 0.5)
	b := append(h, 4, 0, 0xfe, 0xff) // 4, -2
	img, err := Decode(bytes.NewReader(b))
	if err != nil || img.Data[0] != 2 || img.Data[1] != -1 || img.Affine[0][0] != 2 {
		t.Fatalf("%+v %v", img, err)
	}
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"truncated data", b[:len(b)-1], "truncated"},
		{"truncated header", b[:100], "header"},
		{"absurd dimensions", header([]int16{32767, 32767, 32767}, DTFloat32, 1), "more than"},
		{"4-D", header([]int16{2, 2, 2, 3}, DTFloat32, 1), "4-D"},
		{"unknown datatype", header([]int16{1, 1, 1}, 1234, 1), "datatype"},
		{"not NIfTI", []byte(strings.Repeat("x", 400)), "not a NIfTI"},
	} {
		if _, err := Decode(bytes.NewReader(c.b)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error mentioning %q", c.name, err, c.want)
		}
	}
}

// FuzzDecode: any bytes give an image or an error, never a panic; the
// allocation is bounded by the data present, not the header's claim.
func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	WriteUint16(&buf, [3]int{2, 2, 1}, [4][4]float64{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}, []uint16{1, 2, 3, 4}, false, "")
	f.Add(buf.Bytes())
	buf.Reset()
	WriteUint16(&buf, [3]int{2, 2, 1}, [4][4]float64{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}, []uint16{1, 2, 3, 4}, true, "")
	f.Add(buf.Bytes())
	f.Add(append(header([]int16{2, 1, 1}, DTInt16, 0.5), 4, 0, 0xfe, 0xff))
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := Decode(bytes.NewReader(b))
		gz := len(b) > 1 && b[0] == 0x1f && b[1] == 0x8b
		if err == nil && !gz && len(img.Data) > len(b) {
			t.Fatalf("%d voxels from %d bytes", len(img.Data), len(b))
		}
	})
}
