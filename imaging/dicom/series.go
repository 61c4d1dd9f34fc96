package dicom

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"carimpi/imaging"
	"carimpi/imaging/suv"
)

// File is the header of one DICOM image file.
type File struct {
	Path       string
	Syntax     string // transfer syntax UID
	PatientID  string
	SeriesUID  string
	Modality   string
	SOPClass   string
	frames     int
	rows, cols int
	ipp        [3]float64
	iop        [6]float64
	spacing    [2]float64
	haveGeom   bool
	slope      float64
	intercept  float64
	timing     suv.Slice
	header     suv.Header // series-level fields as this file states them
	instance   float64
	bits       int
	stored     int
	signed     bool
	samples    int
}

// headerPrefix is how much of a file is read to find its header; a header
// that does not fit is read again whole.
const headerPrefix = 64 << 10

// bufPool recycles file buffers: a series is read file by file, and only
// values copied out of a buffer outlive it.
var bufPool = sync.Pool{New: func() any { return new([]byte) }}

// readInto reads up to limit bytes of the file (all of it when limit < 0)
// into *buf, growing it as needed, and reports whether that is the whole file.
func readInto(f *os.File, buf *[]byte, limit int) ([]byte, bool, error) {
	size := limit
	if limit < 0 {
		fi, err := f.Stat()
		if err != nil {
			return nil, false, err
		}
		if fi.Size() > 1<<31 {
			return nil, false, fmt.Errorf("%s: %d bytes is too large for one PET slice", f.Name(), fi.Size())
		}
		size = int(fi.Size()) + 1
	}
	if cap(*buf) < size {
		*buf = make([]byte, size)
	}
	b := (*buf)[:size]
	n, err := io.ReadFull(f, b)
	whole := err == io.ErrUnexpectedEOF || err == io.EOF
	if err != nil && !whole {
		return nil, false, err
	}
	return b[:n], whole || (limit < 0 && n < size), nil
}

// ReadHeader reads the header of one file (not its pixel data).
func ReadHeader(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := bufPool.Get().(*[]byte)
	defer bufPool.Put(buf)
	b, whole, err := readInto(f, buf, headerPrefix)
	if err != nil {
		return nil, err
	}
	ds, perr := Parse(b, true)
	// A prefix that ends before the pixel data may have cut the header,
	// even at an element boundary: read the whole file.
	if !whole && ((perr != nil && !errors.Is(perr, ErrNotDICOM)) || (perr == nil && !ds.atPixels)) {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		if b, _, err = readInto(f, buf, -1); err != nil {
			return nil, err
		}
		ds, perr = Parse(b, true)
	}
	if perr != nil {
		return nil, perr
	}
	return fileFromDataSet(path, ds), nil
}

func fileFromDataSet(path string, ds *DataSet) *File {
	f := &File{Path: path, Syntax: ds.TransferSyntax, PatientID: ds.String(tagPatientID), SeriesUID: ds.String(tagSeriesUID),
		Modality: strings.ToUpper(ds.String(tagModality)), SOPClass: ds.String(tagSOPClassUID), slope: 1, samples: 1}
	f.frames = 1
	if v, ok := ds.Float(tagNumberOfFrames); ok {
		f.frames = int(v)
	}
	f.rows, _ = ds.Uint16(tagRows)
	f.cols, _ = ds.Uint16(tagColumns)
	f.bits, _ = ds.Uint16(tagBitsAllocated)
	f.stored, _ = ds.Uint16(tagBitsStored)
	if s, ok := ds.Uint16(tagSamplesPerPixel); ok {
		f.samples = s
	}
	if pr, ok := ds.Uint16(tagPixelRepresentation); ok && pr == 1 {
		f.signed = true
	}
	ipp, ok1 := ds.Floats(tagImagePosition)
	iop, ok2 := ds.Floats(tagImageOrientation)
	ps, ok3 := ds.Floats(tagPixelSpacing)
	if ok1 && ok2 && ok3 && len(ipp) == 3 && len(iop) == 6 && len(ps) == 2 {
		copy(f.ipp[:], ipp)
		copy(f.iop[:], iop)
		copy(f.spacing[:], ps)
		f.haveGeom = true
	}
	if v, ok := ds.Float(tagRescaleSlope); ok {
		f.slope = v
	}
	if v, ok := ds.Float(tagRescaleIntercept); ok {
		f.intercept = v
	}
	f.instance, _ = ds.Float(tagInstanceNumber)
	f.timing = suv.Slice{AcquisitionDate: ds.String(tagAcquisitionDate), AcquisitionTime: ds.String(tagAcquisitionTime),
		AcquisitionDateTime: ds.String(tagAcquisitionDateTime)}
	f.timing.FrameReferenceTime, _ = ds.Float(tagFrameReferenceTime)
	f.timing.ActualFrameDuration, _ = ds.Float(tagActualFrameDuration)
	h := suv.Header{Units: ds.String(tagUnits), DecayCorrection: ds.String(tagDecayCorrection), SUVType: ds.String(tagSUVType),
		CorrectedImage: ds.Strings(tagCorrectedImage), HasCorrected: ds.Has(tagCorrectedImage), PatientSex: ds.String(tagPatientSex),
		SeriesDate: ds.String(tagSeriesDate), SeriesTime: ds.String(tagSeriesTime), GEScanDateTime: ds.String(tagGEScanDateTime)}
	h.PatientWeight, _ = ds.Float(tagPatientWeight)
	h.PatientSize, _ = ds.Float(tagPatientSize)
	h.PhilipsSUV, _ = ds.privateFloat(tagPhilipsSUVFactor)
	h.PhilipsActConc, _ = ds.privateFloat(tagPhilipsActivity)
	if it := ds.Item(tagRadiopharmSequence); it != nil {
		h.StartDateTime = it.String(tagRadiopharmStartDT)
		h.StartTime = it.String(tagRadiopharmStartTime)
		h.TotalDose, _ = it.Float(tagRadionuclideDose)
		h.HalfLife, _ = it.Float(tagRadionuclideHalf)
	}
	f.header = h
	return f
}

// Series is one PET series read from disk: its SUV volume and how the SUV was obtained.
type Series struct {
	PatientID string
	SeriesUID string
	Volume    imaging.Volume
	SUV       suv.Result
	Warnings  []string
}

// Group is the files of one series (same PatientID and SeriesInstanceUID).
type Group struct {
	PatientID, SeriesUID, Modality string
	Files                          []*File
}

// Scan finds the DICOM files under dir at any depth and groups them by
// PatientID and SeriesInstanceUID, in order of patient, then series UID.
// Files that are not DICOM are counted in skipped; DICOM files whose
// header cannot be read are returned in bad.
func Scan(dir string) (groups []*Group, skipped int, bad []error, err error) {
	byKey := map[[2]string]*Group{}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			// A symbolic link to a file is read; links to directories are
			// not followed (no loops).
			if d.Type()&fs.ModeSymlink == 0 {
				return nil
			}
			if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
				return nil
			}
		}
		f, err := ReadHeader(path)
		if err != nil {
			if isDICOM(path) {
				bad = append(bad, fmt.Errorf("%s: %w", path, err))
			} else {
				skipped++
			}
			return nil
		}
		key := [2]string{f.PatientID, f.SeriesUID}
		g := byKey[key]
		if g == nil {
			g = &Group{PatientID: f.PatientID, SeriesUID: f.SeriesUID, Modality: f.Modality}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.Files = append(g.Files, f)
		return nil
	})
	if err != nil {
		return nil, 0, nil, err
	}
	sort.SliceStable(groups, func(a, b int) bool {
		if groups[a].PatientID != groups[b].PatientID {
			return groups[a].PatientID < groups[b].PatientID
		}
		return groups[a].SeriesUID < groups[b].SeriesUID
	})
	return groups, skipped, bad, nil
}

// ReadDir reads the one PET series in dir (at any depth). Non-PET series are
// ignored with a warning; several PET series are an error naming them.
func ReadDir(dir string) (*Series, error) {
	groups, skipped, bad, err := Scan(dir)
	if err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%d DICOM file(s) cannot be read, first: %w", len(bad), bad[0])
	}
	var pet []*Group
	other := 0
	for _, g := range groups {
		if g.Modality == "PT" {
			pet = append(pet, g)
		} else {
			other++
		}
	}
	switch {
	case len(pet) == 0 && len(groups) == 0:
		return nil, fmt.Errorf("%s: no DICOM files found (%d other files)", dir, skipped)
	case len(pet) == 0:
		return nil, fmt.Errorf("%s: no PET series (Modality PT) among %d DICOM series", dir, len(groups))
	case len(pet) > 1:
		var names []string
		for _, g := range pet {
			names = append(names, fmt.Sprintf("%s/%s (%d files)", g.PatientID, g.SeriesUID, len(g.Files)))
		}
		return nil, fmt.Errorf("%s holds %d PET series (%s): point --dicom at one series, or use --batch", dir, len(pet), strings.Join(names, ", "))
	}
	s, err := pet[0].Read()
	if err != nil {
		return nil, err
	}
	if other > 0 {
		s.Warnings = append(s.Warnings, fmt.Sprintf("%d non-PET series ignored", other))
	}
	return s, nil
}

// Read sorts the group's slices along the slice normal, computes the SUV
// factors and reads the pixels into an SUV volume.
func (g *Group) Read() (*Series, error) {
	files := g.Files
	if len(files) == 0 {
		return nil, errors.New("empty series")
	}
	f0 := files[0]
	if g.Modality != "PT" {
		return nil, fmt.Errorf("series %s is %s, not PET (PT)", g.SeriesUID, g.Modality)
	}
	if f0.SOPClass == "1.2.840.10008.5.1.4.1.1.130" || f0.frames > 1 {
		return nil, fmt.Errorf("%s: enhanced or multi-frame PET (%d frames) is not supported; convert to single-frame images first (e.g. dcm4che 'emf2sf' or 'gdcmconv --raw')", f0.Path, f0.frames)
	}
	for _, f := range files {
		if !native(f.Syntax) {
			return nil, fmt.Errorf("%s: %w", f.Path, compressedError(f.Syntax))
		}
		if !f.haveGeom {
			return nil, fmt.Errorf("%s: ImagePositionPatient, ImageOrientationPatient or PixelSpacing missing", f.Path)
		}
		if f.rows != f0.rows || f.cols != f0.cols || f.spacing != f0.spacing || !sameOrientation(f.iop, f0.iop) {
			return nil, fmt.Errorf("%s: size, pixel spacing or orientation differs from %s within one series", f.Path, f0.Path)
		}
		if f.samples != 1 {
			return nil, fmt.Errorf("%s: %d samples per pixel; a PET image has 1", f.Path, f.samples)
		}
	}
	if f0.rows <= 0 || f0.cols <= 0 {
		return nil, fmt.Errorf("%s: image size %dx%d", f0.Path, f0.rows, f0.cols)
	}
	row := [3]float64{f0.iop[0], f0.iop[1], f0.iop[2]}
	col := [3]float64{f0.iop[3], f0.iop[4], f0.iop[5]}
	normal := crossv(row, col)
	if l := math.Sqrt(dotv(normal, normal)); l < 0.5 || math.IsNaN(l) {
		return nil, fmt.Errorf("%s: ImageOrientationPatient %v is degenerate", f0.Path, f0.iop)
	}
	proj := make([]float64, len(files))
	order := make([]int, len(files))
	for i, f := range files {
		proj[i] = dotv(f.ipp, normal)
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return proj[order[a]] < proj[order[b]] })
	sorted := make([]*File, len(files))
	for i, o := range order {
		sorted[i] = files[o]
	}
	nz := len(sorted)
	var spacing float64
	var w [3]float64
	if nz > 1 {
		first, last := proj[order[0]], proj[order[nz-1]]
		spacing = (last - first) / float64(nz-1)
		for i := 1; i < nz; i++ {
			d := proj[order[i]] - proj[order[i-1]]
			if d <= 1e-6 {
				return nil, fmt.Errorf("%s and %s are at the same position along the slice normal (%.4f mm): several frames or time points in one series are not supported", sorted[i-1].Path, sorted[i].Path, proj[order[i]])
			}
			if math.Abs(d-spacing) > 0.01*spacing+0.01 {
				return nil, fmt.Errorf("slice spacing is not uniform: %.4f mm between %s and %s, %.4f mm on average (missing slice?)", d, sorted[i-1].Path, sorted[i].Path, spacing)
			}
		}
		a, b := sorted[0].ipp, sorted[nz-1].ipp
		for r := 0; r < 3; r++ {
			w[r] = (b[r] - a[r]) / float64(nz-1)
		}
	} else {
		return nil, fmt.Errorf("%s: a single slice has no slice spacing; a PET volume needs at least two", f0.Path)
	}
	ps := f0.spacing
	if !(ps[0] > 0 && ps[1] > 0) {
		return nil, fmt.Errorf("%s: PixelSpacing %v is not positive", f0.Path, ps)
	}
	geom := imaging.Geometry{Nx: f0.cols, Ny: f0.rows, Nz: nz,
		U:       [3]float64{row[0] * ps[1], row[1] * ps[1], row[2] * ps[1]},
		V:       [3]float64{col[0] * ps[0], col[1] * ps[0], col[2] * ps[0]},
		W:       w,
		Origins: make([][3]float64, nz),
		VoxelML: ps[0] * ps[1] * spacing / 1000,
	}
	for k, f := range sorted {
		geom.Origins[k] = f.ipp
	}
	if int64(geom.Nx)*int64(geom.Ny)*int64(nz) > maxVoxels {
		return nil, fmt.Errorf("series of %dx%dx%d voxels exceeds the limit of %d", geom.Nx, geom.Ny, nz, maxVoxels)
	}
	h := f0.header
	h.Slices = make([]suv.Slice, nz)
	for k, f := range sorted {
		h.Slices[k] = f.timing
	}
	res, err := suv.Compute(h)
	if err != nil {
		return nil, fmt.Errorf("series %s: SUV: %w", g.SeriesUID, err)
	}
	vol := imaging.Volume{Geometry: geom, SUV: make([]float64, geom.Len())}
	if err := readPixels(sorted, res.Factors, &vol); err != nil {
		return nil, err
	}
	return &Series{PatientID: g.PatientID, SeriesUID: g.SeriesUID, Volume: vol, SUV: res}, nil
}

// maxVoxels bounds a series (2^28 voxels, 2 GiB of float64 SUV).
const maxVoxels = 1 << 28

// readPixels decodes every slice into its SUV plane, in parallel.
func readPixels(files []*File, factors []float64, vol *imaging.Volume) error {
	plane := vol.Nx * vol.Ny
	workers := runtime.GOMAXPROCS(0)
	if workers > len(files) {
		workers = len(files)
	}
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				errs[k] = readSlice(files[k], factors[k], vol.SUV[k*plane:(k+1)*plane])
			}
		}()
	}
	for k := range files {
		next <- k
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func readSlice(f *File, factor float64, dst []float64) error {
	fh, err := os.Open(f.Path)
	if err != nil {
		return err
	}
	defer fh.Close()
	buf := bufPool.Get().(*[]byte)
	defer bufPool.Put(buf)
	b, _, err := readInto(fh, buf, -1)
	if err != nil {
		return err
	}
	ds, err := Parse(b, false)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	px, err := ds.pixelBytes()
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	if err := decode(px, ds.order, f.bits, f.stored, f.signed, f.slope, f.intercept, factor, dst); err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	return nil
}

// decode converts stored values to SUV = (stored x slope + intercept) x factor.
// Signed values (PixelRepresentation 1) are sign-extended from BitsStored.
func decode(px []byte, order binary.ByteOrder, bits, stored int, signed bool, slope, intercept, factor float64, dst []float64) error {
	n := len(dst)
	if bits != 8 && bits != 16 && bits != 32 {
		return fmt.Errorf("BitsAllocated %d is not supported (8, 16 or 32)", bits)
	}
	if stored <= 0 || stored > bits {
		stored = bits
	}
	size := bits / 8
	if len(px) < n*size {
		return fmt.Errorf("pixel data holds %d bytes, the image needs %d (truncated file?)", len(px), n*size)
	}
	mask := uint32(1)<<uint(stored) - 1
	if stored == 32 {
		mask = 0xFFFFFFFF
	}
	sign := uint32(1) << uint(stored-1)
	for i := 0; i < n; i++ {
		var u uint32
		switch size {
		case 1:
			u = uint32(px[i])
		case 2:
			u = uint32(order.Uint16(px[2*i:]))
		default:
			u = order.Uint32(px[4*i:])
		}
		u &= mask
		var v float64
		if signed && u&sign != 0 {
			v = float64(int64(u) - int64(mask) - 1)
		} else {
			v = float64(u)
		}
		dst[i] = (float64(v*slope) + intercept) * factor
	}
	return nil
}

func sameOrientation(a, b [6]float64) bool {
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-4 {
			return false
		}
	}
	return true
}

func dotv(a, b [3]float64) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
func crossv(a, b [3]float64) [3]float64 {
	return [3]float64{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

// isDICOM reports whether a file starts like a DICOM Part 10 file.
func isDICOM(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, 132)
	n, _ := io.ReadFull(f, b)
	return n == 132 && string(b[128:132]) == "DICM"
}
