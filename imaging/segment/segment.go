package segment

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"carimpi/imaging"
)

// Method is a segmentation rule.
type Method struct {
	Name string // suv4, suv2.5, pct41, abs:X
	// Threshold is the absolute SUV of suv4, suv2.5 and abs:X (inclusive);
	// NaN for pct41.
	Threshold float64
	// Fraction of each preselected component's SUVmax (pct41: 0.41); 0 otherwise.
	Fraction float64
}

// ParseMethod reads suv4, suv2.5, pct41 or abs:X.
func ParseMethod(s string) (Method, error) {
	switch s {
	case "suv4":
		return Method{Name: s, Threshold: 4.0}, nil
	case "suv2.5":
		return Method{Name: s, Threshold: 2.5}, nil
	case "pct41":
		return Method{Name: s, Threshold: math.NaN(), Fraction: 0.41}, nil
	}
	if x, ok := strings.CutPrefix(s, "abs:"); ok {
		v, err := strconv.ParseFloat(x, 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return Method{}, fmt.Errorf("method %q: abs:X needs a positive SUV, e.g. abs:3.0", s)
		}
		return Method{Name: s, Threshold: v}, nil
	}
	return Method{}, fmt.Errorf("method %q: use suv4, suv2.5, pct41 or abs:X", s)
}

// Options configure Segment.
type Options struct {
	Method       Method
	Preselect    float64 // pct41: SUV of the preselection mask (default 2.5)
	Connectivity int     // 6, 18 or 26
	MinVolumeML  float64 // drop final components smaller than this
	// Exclude marks voxels removed before any labelling (nil: none).
	Exclude []bool
}

// Segment returns the lesion labels (0 background, 1..n by descending
// volume, ties by the smallest linear index) and the number of lesions
// dropped by MinVolumeML.
//
// Absolute methods keep SUV >= Threshold. pct41 labels the components of
// SUV >= Preselect, keeps inside each component the voxels with
// SUV >= Fraction x that component's SUVmax, and labels the union again
// (both with the same connectivity). Excluded voxels are removed first.
func Segment(v *imaging.Volume, opt Options) (lab []int32, n, dropped int, err error) {
	if err := v.Check(); err != nil {
		return nil, 0, 0, err
	}
	if opt.Exclude != nil && len(opt.Exclude) != len(v.SUV) {
		return nil, 0, 0, errors.New("exclusion mask does not match the image")
	}
	lab = make([]int32, len(v.SUV))
	thr := opt.Method.Threshold
	if opt.Method.Fraction > 0 {
		thr = opt.Preselect
	}
	if !(thr > 0) || math.IsInf(thr, 0) {
		return nil, 0, 0, fmt.Errorf("threshold %g is not a positive SUV", thr)
	}
	mark(lab, v.SUV, thr, opt.Exclude)
	n, err = Label(lab, v.Nx, v.Ny, v.Nz, opt.Connectivity)
	if err != nil {
		return nil, 0, 0, err
	}
	if opt.Method.Fraction > 0 {
		max := make([]float64, n+1)
		for i := range max {
			max[i] = math.Inf(-1)
		}
		for i, l := range lab {
			if l != 0 && v.SUV[i] > max[l] {
				max[l] = v.SUV[i]
			}
		}
		for l := 1; l <= n; l++ {
			max[l] *= opt.Method.Fraction
		}
		for i, l := range lab {
			if l != 0 && !(v.SUV[i] >= max[l]) {
				lab[i] = 0
			}
		}
		n, err = Label(lab, v.Nx, v.Ny, v.Nz, opt.Connectivity)
		if err != nil {
			return nil, 0, 0, err
		}
	}
	kept := Order(lab, n, func(_, voxels int) bool { return !(float64(voxels)*v.VoxelML < opt.MinVolumeML) })
	return lab, kept, n - kept, nil
}

func mark(lab []int32, suv []float64, thr float64, exclude []bool) {
	for i, s := range suv {
		if s >= thr && (exclude == nil || !exclude[i]) {
			lab[i] = 1
		}
	}
}

// Keep renumbers the lesions after a review: only the listed ids (keep) or
// all but them (!keep) remain, in their existing order, numbered 1..m.
func Keep(lab []int32, n int, ids []int, keep bool) (int, error) {
	listed := make([]bool, n+1)
	for _, id := range ids {
		if id < 1 || id > n {
			return 0, fmt.Errorf("review lists lesion %d but this run found lesions 1..%d", id, n)
		}
		listed[id] = true
	}
	newID := make([]int32, n+1)
	m := int32(0)
	for id := 1; id <= n; id++ {
		if listed[id] == keep {
			m++
			newID[id] = m
		}
	}
	for i, l := range lab {
		if l != 0 {
			lab[i] = newID[l]
		}
	}
	return int(m), nil
}

// PeakRadius is the radius (mm) of a 1 mL sphere, (3/(4 pi))^(1/3) x 10.
const PeakRadius = 6.2035

// Lesion holds the measures of one labelled lesion.
type Lesion struct {
	ID       int
	Voxels   int
	VolumeML float64 // voxels x voxel_ml
	SUVmax   float64
	SUVmean  float64
	SUVpeak  float64
	TLG      float64    // voxel_ml x sum of SUV
	Centroid [3]float64 // unweighted mean of voxel centres, LPS mm
	sum      float64
}

// Measures are the whole-body results.
type Measures struct {
	Lesions []Lesion
	TMTV    float64 // sum of lesion volumes, mL
	TLG     float64
	SUVmax  float64 // NaN without lesions
	SUVmean float64 // over all lesion voxels; NaN without lesions
	SUVpeak float64 // max over lesions; NaN without lesions
	Dmax    float64 // largest distance between two lesion centroids, 0 below two lesions
}

// Measure computes the measures of lesions 1..n of lab on v.
//
// SUVpeak of a lesion is the maximum, over its voxels as centres, of the mean
// SUV of all image voxels whose centres lie within PeakRadius (inclusive) of
// that centre, lesion or not; voxels outside the image do not exist.
func Measure(v *imaging.Volume, lab []int32, n int) Measures {
	ls := make([]Lesion, n)
	for i := range ls {
		ls[i] = Lesion{ID: i + 1, SUVmax: math.Inf(-1), SUVpeak: math.Inf(-1)}
	}
	sums := make([][5]float64, n) // sum i, sum j, sum origin x, y, z
	offs := peakOffsets(&v.Geometry)
	nx, ny := v.Nx, v.Ny
	idx := 0
	for k := 0; k < v.Nz; k++ {
		o := v.Origins[k]
		for j := 0; j < ny; j++ {
			for i := 0; i < nx; i++ {
				l := lab[idx]
				if l != 0 {
					L := &ls[l-1]
					s := v.SUV[idx]
					L.Voxels++
					L.sum += s
					if s > L.SUVmax {
						L.SUVmax = s
					}
					a := &sums[l-1]
					a[0] += float64(i)
					a[1] += float64(j)
					a[2] += o[0]
					a[3] += o[1]
					a[4] += o[2]
					if p := peakAt(v, offs, i, j, k, idx); p > L.SUVpeak {
						L.SUVpeak = p
					}
				}
				idx++
			}
		}
	}
	m := Measures{SUVmax: math.NaN(), SUVmean: math.NaN(), SUVpeak: math.NaN()}
	total, voxels := 0.0, 0
	for x := range ls {
		L := &ls[x]
		c := float64(L.Voxels)
		L.VolumeML = c * v.VoxelML
		L.SUVmean = L.sum / c
		L.TLG = v.VoxelML * L.sum
		a := sums[x]
		for r := 0; r < 3; r++ {
			L.Centroid[r] = (a[2+r] + a[0]*v.U[r] + a[1]*v.V[r]) / c
		}
		m.TMTV += L.VolumeML
		m.TLG += L.TLG
		total += L.sum
		voxels += L.Voxels
		if x == 0 || L.SUVmax > m.SUVmax {
			m.SUVmax = L.SUVmax
		}
		if x == 0 || L.SUVpeak > m.SUVpeak {
			m.SUVpeak = L.SUVpeak
		}
	}
	if voxels > 0 {
		m.SUVmean = total / float64(voxels)
	}
	m.Dmax = Dmax(ls)
	m.Lesions = ls
	return m
}

// Dmax is the largest Euclidean distance between two lesion centroids (mm),
// 0 with fewer than two lesions.
func Dmax(ls []Lesion) float64 {
	d := 0.0
	for a := range ls {
		for b := a + 1; b < len(ls); b++ {
			p, q := ls[a].Centroid, ls[b].Centroid
			e := math.Sqrt((p[0]-q[0])*(p[0]-q[0]) + (p[1]-q[1])*(p[1]-q[1]) + (p[2]-q[2])*(p[2]-q[2]))
			if e > d {
				d = e
			}
		}
	}
	return d
}

type peakOff struct{ di, dj, dk, lin int }

// peakOffsets lists the index offsets whose centres lie within PeakRadius.
func peakOffsets(g *imaging.Geometry) []peakOff {
	u, v, w := g.U, g.V, g.W
	if g.Nz == 1 {
		w = cross(u, v) // any direction: a single slice has no neighbours in k
	}
	vol := math.Abs(dot(u, cross(v, w)))
	bound := func(a, b [3]float64) int {
		area := norm(cross(a, b))
		if vol == 0 || area == 0 {
			return 0
		}
		return int(math.Ceil(PeakRadius*area/vol)) + 1
	}
	bi, bj, bk := bound(v, w), bound(u, w), bound(u, v)
	if g.Nz == 1 {
		bk = 0
	}
	r2 := PeakRadius * PeakRadius
	var offs []peakOff
	for dk := -bk; dk <= bk; dk++ {
		for dj := -bj; dj <= bj; dj++ {
			for di := -bi; di <= bi; di++ {
				var d [3]float64
				for r := 0; r < 3; r++ {
					d[r] = float64(di)*u[r] + float64(dj)*v[r] + float64(dk)*w[r]
				}
				if dot(d, d) <= r2 {
					offs = append(offs, peakOff{di, dj, dk, (dk*g.Ny+dj)*g.Nx + di})
				}
			}
		}
	}
	return offs
}

func peakAt(v *imaging.Volume, offs []peakOff, i, j, k, idx int) float64 {
	sum, c := 0.0, 0
	for _, o := range offs {
		ii, jj, kk := i+o.di, j+o.dj, k+o.dk
		if ii < 0 || ii >= v.Nx || jj < 0 || jj >= v.Ny || kk < 0 || kk >= v.Nz {
			continue
		}
		sum += v.SUV[idx+o.lin]
		c++
	}
	return sum / float64(c)
}

// ROI holds SUV statistics inside a region.
type ROI struct {
	Voxels                    int
	SUVmin, SUVmedian, SUVmax float64
}

// ROIStats returns the voxel count and SUV min, median (the mean of the two
// middle values for an even count) and max over the voxels where in is true.
func ROIStats(suv []float64, in []bool) ROI {
	var vals []float64
	for i, b := range in {
		if b {
			vals = append(vals, suv[i])
		}
	}
	r := ROI{Voxels: len(vals), SUVmin: math.NaN(), SUVmedian: math.NaN(), SUVmax: math.NaN()}
	if len(vals) == 0 {
		return r
	}
	sort.Float64s(vals)
	n := len(vals)
	r.SUVmin, r.SUVmax = vals[0], vals[n-1]
	if n%2 == 1 {
		r.SUVmedian = vals[n/2]
	} else {
		r.SUVmedian = (vals[n/2-1] + vals[n/2]) / 2
	}
	return r
}

func dot(a, b [3]float64) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
func norm(a [3]float64) float64   { return math.Sqrt(dot(a, a)) }
func cross(a, b [3]float64) [3]float64 {
	return [3]float64{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}
