// Package nifti reads and writes NIfTI-1 images (.nii, .nii.gz): the header,
// the voxel-to-world affine (sform, else qform) and the voxel values with
// scl_slope/scl_inter applied. Reading is bounded: the header's dimensions
// are checked against a voxel limit and the data actually present before
// anything large is allocated, and no input makes it panic (FuzzRead).
package nifti

import (
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// MaxVoxels bounds the images read (2^28 voxels).
const MaxVoxels = 1 << 28

// Datatype codes (nifti1.h).
const (
	DTUint8   = 2
	DTInt16   = 4
	DTInt32   = 8
	DTFloat32 = 16
	DTFloat64 = 64
	DTInt8    = 256
	DTUint16  = 512
	DTUint32  = 768
	DTInt64   = 1024
	DTUint64  = 1280
)

// Image is a 3-D NIfTI image.
type Image struct {
	Dim      [3]int
	Pixdim   [3]float64 // float32 header values
	Datatype int
	// Affine maps (i, j, k, 1) to RAS+ world mm (sform if sform_code > 0, else qform).
	Affine [4][4]float64
	// Data holds the voxel values after scl_slope/scl_inter, i fastest.
	Data []float64
}

// Read reads a .nii or .nii.gz file.
func Read(path string) (*Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}

// Decode reads a NIfTI-1 image, gzip-compressed or not.
func Decode(r io.Reader) (*Image, error) {
	br := &peekReader{r: r}
	magic, err := br.peek(2)
	if err != nil {
		return nil, errors.New("not a NIfTI file: too short")
	}
	var src io.Reader = br
	if magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		src = gz
	}
	hdr := make([]byte, 348)
	if _, err := io.ReadFull(src, hdr); err != nil {
		return nil, errors.New("truncated NIfTI header (needs 348 bytes)")
	}
	var order binary.ByteOrder = binary.LittleEndian
	switch {
	case binary.LittleEndian.Uint32(hdr) == 348:
	case binary.BigEndian.Uint32(hdr) == 348:
		order = binary.BigEndian
	case binary.LittleEndian.Uint32(hdr) == 540 || binary.BigEndian.Uint32(hdr) == 540:
		return nil, errors.New("NIfTI-2 is not supported; convert to NIfTI-1 (e.g. 'nifti_tool -copy_image -prefix out.nii.gz -infiles in.nii' or fslchfiletype)")
	default:
		return nil, errors.New("not a NIfTI-1 file (sizeof_hdr is not 348)")
	}
	if m := string(hdr[344:347]); m != "n+1" {
		if m == "ni1" {
			return nil, errors.New("NIfTI header/image pair (.hdr/.img) is not supported; convert to a single .nii file")
		}
		return nil, fmt.Errorf("not a NIfTI-1 file (magic %q)", hdr[344:348])
	}
	i16 := func(off int) int { return int(int16(order.Uint16(hdr[off:]))) }
	f32 := func(off int) float64 { return float64(math.Float32frombits(order.Uint32(hdr[off:]))) }
	ndim := i16(40)
	if ndim < 1 || ndim > 7 {
		return nil, fmt.Errorf("dim[0] = %d is not 1..7", ndim)
	}
	img := &Image{Datatype: i16(70)}
	nvox := int64(1)
	for d := 1; d <= ndim; d++ {
		n := i16(40 + 2*d)
		if n < 1 {
			return nil, fmt.Errorf("dim[%d] = %d is not positive", d, n)
		}
		if d > 3 && n != 1 {
			return nil, fmt.Errorf("a %d-D image (dim[%d] = %d): PET MTV needs one 3-D volume; extract it first (e.g. fslroi)", ndim, d, n)
		}
		nvox *= int64(n)
		if nvox > MaxVoxels {
			return nil, fmt.Errorf("image of more than %d voxels", MaxVoxels)
		}
		if d <= 3 {
			img.Dim[d-1] = n
		}
	}
	for d := ndim; d < 3; d++ {
		img.Dim[d] = 1
	}
	for d := 0; d < 3; d++ {
		img.Pixdim[d] = f32(80 + 4*d)
	}
	size := 0
	switch img.Datatype {
	case DTUint8, DTInt8:
		size = 1
	case DTInt16, DTUint16:
		size = 2
	case DTInt32, DTUint32, DTFloat32:
		size = 4
	case DTFloat64, DTInt64, DTUint64:
		size = 8
	default:
		return nil, fmt.Errorf("datatype %d is not supported (integers, float32, float64)", img.Datatype)
	}
	off := f32(108)
	if !(off >= 348) || off > 1<<20 || off != math.Trunc(off) {
		if off == 0 {
			off = 352
		} else {
			return nil, fmt.Errorf("vox_offset %g is invalid", off)
		}
	}
	if _, err := io.CopyN(io.Discard, src, int64(off)-348); err != nil {
		return nil, errors.New("truncated NIfTI file before the voxel data")
	}
	want := nvox * int64(size)
	raw, err := io.ReadAll(io.LimitReader(src, want))
	if err != nil {
		return nil, fmt.Errorf("reading voxel data: %w", err)
	}
	if int64(len(raw)) < want {
		return nil, fmt.Errorf("truncated NIfTI file: %d bytes of voxel data, the header needs %d", len(raw), want)
	}
	slope, inter := f32(112), f32(116)
	if slope == 0 || math.IsNaN(slope) || math.IsInf(slope, 0) {
		slope, inter = 1, 0
	}
	if math.IsNaN(inter) || math.IsInf(inter, 0) {
		inter = 0
	}
	img.Data = make([]float64, nvox)
	for i := range img.Data {
		b := raw[i*size:]
		var v float64
		switch img.Datatype {
		case DTUint8:
			v = float64(b[0])
		case DTInt8:
			v = float64(int8(b[0]))
		case DTInt16:
			v = float64(int16(order.Uint16(b)))
		case DTUint16:
			v = float64(order.Uint16(b))
		case DTInt32:
			v = float64(int32(order.Uint32(b)))
		case DTUint32:
			v = float64(order.Uint32(b))
		case DTFloat32:
			v = float64(math.Float32frombits(order.Uint32(b)))
		case DTFloat64:
			v = math.Float64frombits(order.Uint64(b))
		case DTInt64:
			v = float64(int64(order.Uint64(b)))
		case DTUint64:
			v = float64(order.Uint64(b))
		}
		if slope != 1 || inter != 0 {
			v = float64(v*slope) + inter
		}
		img.Data[i] = v
	}
	qcode, scode := i16(252), i16(254)
	switch {
	case scode > 0:
		for r := 0; r < 3; r++ {
			for c := 0; c < 4; c++ {
				img.Affine[r][c] = f32(280 + 16*r + 4*c)
			}
		}
	case qcode > 0:
		img.Affine = quaternAffine(f32(256), f32(260), f32(264), f32(268), f32(272), f32(276), img.Pixdim, f32(76))
	default:
		for r := 0; r < 3; r++ {
			img.Affine[r][r] = img.Pixdim[r]
		}
	}
	img.Affine[3][3] = 1
	for r := 0; r < 3; r++ {
		for c := 0; c < 4; c++ {
			if v := img.Affine[r][c]; math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, errors.New("affine (sform/qform) is not finite")
			}
		}
	}
	return img, nil
}

// quaternAffine is nifti_quatern_to_mat44 of nifti1_io.c.
func quaternAffine(b, c, d, qx, qy, qz float64, pix [3]float64, qfac float64) [4][4]float64 {
	a := 1 - (b*b + c*c + d*d)
	if a < 1e-7 {
		a = 1 / math.Sqrt(b*b+c*c+d*d)
		b, c, d = b*a, c*a, d*a
		a = 0
	} else {
		a = math.Sqrt(a)
	}
	xd, yd, zd := pix[0], pix[1], pix[2]
	if xd <= 0 {
		xd = 1
	}
	if yd <= 0 {
		yd = 1
	}
	if zd <= 0 {
		zd = 1
	}
	if qfac < 0 {
		zd = -zd
	}
	var m [4][4]float64
	m[0] = [4]float64{(a*a + b*b - c*c - d*d) * xd, 2 * (b*c - a*d) * yd, 2 * (b*d + a*c) * zd, qx}
	m[1] = [4]float64{2 * (b*c + a*d) * xd, (a*a + c*c - b*b - d*d) * yd, 2 * (c*d - a*b) * zd, qy}
	m[2] = [4]float64{2 * (b*d - a*c) * xd, 2 * (c*d + a*b) * yd, (a*a + d*d - c*c - b*b) * zd, qz}
	m[3][3] = 1
	return m
}

type peekReader struct {
	r   io.Reader
	buf []byte
}

func (p *peekReader) peek(n int) ([]byte, error) {
	for len(p.buf) < n {
		b := make([]byte, n-len(p.buf))
		k, err := p.r.Read(b)
		p.buf = append(p.buf, b[:k]...)
		if err != nil {
			if len(p.buf) >= n {
				break
			}
			return p.buf, err
		}
	}
	return p.buf[:n], nil
}

func (p *peekReader) Read(b []byte) (int, error) {
	if len(p.buf) > 0 {
		n := copy(b, p.buf)
		p.buf = p.buf[n:]
		return n, nil
	}
	return p.r.Read(b)
}

// WriteUint16 encodes a uint16 image (a label mask) with the given RAS
// affine as both sform and qform (code 1, scanner anatomical), gzip-
// compressed when gz is true.
func WriteUint16(w io.Writer, dim [3]int, affine [4][4]float64, data []uint16, gz bool, descrip string) error {
	if dim[0]*dim[1]*dim[2] != len(data) {
		return errors.New("nifti: data does not match the dimensions")
	}
	var hdr [352]byte
	le := binary.LittleEndian
	le.PutUint32(hdr[0:], 348)
	put16 := func(off, v int) { le.PutUint16(hdr[off:], uint16(int16(v))) }
	putf := func(off int, v float64) { le.PutUint32(hdr[off:], math.Float32bits(float32(v))) }
	put16(40, 3)
	for d := 0; d < 3; d++ {
		put16(42+2*d, dim[d])
	}
	for d := 3; d < 7; d++ {
		put16(42+2*d, 1)
	}
	put16(70, DTUint16)
	put16(72, 16)
	var pix [3]float64
	for c := 0; c < 3; c++ {
		pix[c] = math.Sqrt(affine[0][c]*affine[0][c] + affine[1][c]*affine[1][c] + affine[2][c]*affine[2][c])
	}
	b, c, d, qfac := matToQuatern(affine, pix)
	putf(76, qfac)
	for i := 0; i < 3; i++ {
		putf(80+4*i, pix[i])
	}
	putf(108, 352)
	putf(112, 1)
	putf(116, 0)
	hdr[123] = 2 | 8 // xyzt_units: mm, s
	copy(hdr[148:228], descrip)
	put16(252, 1)
	put16(254, 1)
	putf(256, b)
	putf(260, c)
	putf(264, d)
	putf(268, affine[0][3])
	putf(272, affine[1][3])
	putf(276, affine[2][3])
	for r := 0; r < 3; r++ {
		for c := 0; c < 4; c++ {
			putf(280+16*r+4*c, affine[r][c])
		}
	}
	copy(hdr[344:], "n+1\x00")
	body := make([]byte, 2*len(data))
	for i, v := range data {
		le.PutUint16(body[2*i:], v)
	}
	out := w
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(w)
		out = zw
	}
	if _, err := out.Write(hdr[:]); err != nil {
		return err
	}
	if _, err := out.Write(body); err != nil {
		return err
	}
	if zw != nil {
		return zw.Close()
	}
	return nil
}

// matToQuatern is nifti_mat44_to_quatern of nifti1_io.c for an affine whose
// columns are orthogonal with lengths pix.
func matToQuatern(m [4][4]float64, pix [3]float64) (b, c, d, qfac float64) {
	var r [3][3]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			if pix[j] > 0 {
				r[i][j] = m[i][j] / pix[j]
			}
		}
	}
	det := r[0][0]*(r[1][1]*r[2][2]-r[1][2]*r[2][1]) - r[0][1]*(r[1][0]*r[2][2]-r[1][2]*r[2][0]) + r[0][2]*(r[1][0]*r[2][1]-r[1][1]*r[2][0])
	qfac = 1
	if det < 0 {
		qfac = -1
		r[0][2], r[1][2], r[2][2] = -r[0][2], -r[1][2], -r[2][2]
	}
	a := r[0][0] + r[1][1] + r[2][2] + 1
	if a > 0.5 {
		a = 0.5 * math.Sqrt(a)
		b = 0.25 * (r[2][1] - r[1][2]) / a
		c = 0.25 * (r[0][2] - r[2][0]) / a
		d = 0.25 * (r[1][0] - r[0][1]) / a
	} else {
		xd := 1 + r[0][0] - (r[1][1] + r[2][2])
		yd := 1 + r[1][1] - (r[0][0] + r[2][2])
		zd := 1 + r[2][2] - (r[0][0] + r[1][1])
		switch {
		case xd > 1:
			b = 0.5 * math.Sqrt(xd)
			c = 0.25 * (r[0][1] + r[1][0]) / b
			d = 0.25 * (r[0][2] + r[2][0]) / b
			a = 0.25 * (r[2][1] - r[1][2]) / b
		case yd > 1:
			c = 0.5 * math.Sqrt(yd)
			b = 0.25 * (r[0][1] + r[1][0]) / c
			d = 0.25 * (r[1][2] + r[2][1]) / c
			a = 0.25 * (r[0][2] - r[2][0]) / c
		default:
			d = 0.5 * math.Sqrt(zd)
			b = 0.25 * (r[0][2] + r[2][0]) / d
			c = 0.25 * (r[1][2] + r[2][1]) / d
			a = 0.25 * (r[1][0] - r[0][1]) / d
		}
		if a < 0 {
			b, c, d = -b, -c, -d
		}
	}
	return b, c, d, qfac
}

// IsGzip reports whether a file name asks for gzip compression.
func IsGzip(path string) bool { return strings.HasSuffix(strings.ToLower(path), ".gz") }
