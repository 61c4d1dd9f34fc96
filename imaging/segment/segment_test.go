package segment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"carimpi/imaging"
)

// sphereVolume returns a volume of spacing h (mm) holding spheres of SUV 10
// (voxel centres within d/2 of each centre) in a background of SUV 1.
func sphereVolume(n int, h float64, centres [][3]float64, d float64) *imaging.Volume {
	g := imaging.Regular(n, n, n, [3]float64{}, [3]float64{h, 0, 0}, [3]float64{0, h, 0}, [3]float64{0, 0, h}, h*h*h/1000)
	v := &imaging.Volume{Geometry: g, SUV: make([]float64, g.Len())}
	i := 0
	for z := 0; z < n; z++ {
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				v.SUV[i] = 1
				for _, c := range centres {
					dx, dy, dz := float64(x)*h-c[0], float64(y)*h-c[1], float64(z)*h-c[2]
					if dx*dx+dy*dy+dz*dz <= d*d/4 {
						v.SUV[i] = 10
					}
				}
				i++
			}
		}
	}
	return v
}

func run(t testing.TB, v *imaging.Volume, method string, conn int) Measures {
	m, err := ParseMethod(method)
	if err != nil {
		t.Fatal(err)
	}
	lab, n, _, err := Segment(v, Options{Method: m, Preselect: 2.5, Connectivity: conn})
	if err != nil {
		t.Fatal(err)
	}
	return Measure(v, lab, n)
}

// TestNEMASpheresConverge: the measured volume of the NEMA IEC spheres
// (10-37 mm) approaches pi d^3 / 6 as the grid shrinks from 4 to 1 mm. The
// error is averaged over 8 seeded sub-voxel positions of the centre.
func TestNEMASpheresConverge(t *testing.T) {
	rng := rand.New(rand.NewPCG(20260301, 1))
	grids := []float64{4, 3, 2, 1}
	for _, d := range []float64{10, 13, 17, 22, 28, 37} {
		exact := math.Pi * d * d * d / 6 / 1000
		errs := make([]float64, len(grids))
		for gi, h := range grids {
			n := int(math.Ceil((d+4*h)/h)) + 1
			for rep := 0; rep < 8; rep++ {
				c := float64(n/2) * h
				centre := [3]float64{c + rng.Float64()*h, c + rng.Float64()*h, c + rng.Float64()*h}
				m := run(t, sphereVolume(n, h, [][3]float64{centre}, d), "suv4", 26)
				if len(m.Lesions) != 1 {
					t.Fatalf("d %v h %v: %d lesions", d, h, len(m.Lesions))
				}
				errs[gi] += math.Abs(m.TMTV-exact) / exact / 8
			}
		}
		t.Logf("d = %2.0f mm: mean |relative error| at 4, 3, 2, 1 mm: %.4f %.4f %.4f %.4f", d, errs[0], errs[1], errs[2], errs[3])
		if !(errs[3] < errs[2] && errs[2] < errs[0]) {
			t.Errorf("d = %v mm: error does not shrink with the grid: %v", d, errs)
		}
		// The boundary error is O(h/d): at 1 mm it is under 3% for the smallest sphere.
		if errs[3] > 0.03 {
			t.Errorf("d = %v mm at 1 mm: error %.4f", d, errs[3])
		}
	}
}

// TestTouchingSpheres: two 10 mm spheres on a 2 mm grid, moved apart along
// the diagonal until their voxels meet only at a corner: one lesion with
// 26-connectivity, two with 6 or 18.
func TestTouchingSpheres(t *testing.T) {
	const h, d = 2.0, 10.0
	found := false
	for sep := 6.0; sep < 12 && !found; sep += 0.05 {
		c1 := [3]float64{10.3, 10.3, 10.3}
		s := sep / math.Sqrt(3)
		c2 := [3]float64{c1[0] + s, c1[1] + s, c1[2] + s}
		both := sphereVolume(16, h, [][3]float64{c1, c2}, d)
		a := run(t, sphereVolume(16, h, [][3]float64{c1}, d), "suv4", 26)
		b := run(t, sphereVolume(16, h, [][3]float64{c2}, d), "suv4", 26)
		m26, m18, m6 := run(t, both, "suv4", 26), run(t, both, "suv4", 18), run(t, both, "suv4", 6)
		if a.Lesions[0].Voxels+b.Lesions[0].Voxels != m26.Lesions[0].Voxels+voxelsBeyond(m26, 1) {
			continue // the spheres share voxels
		}
		if len(m26.Lesions) == 1 && len(m18.Lesions) == 2 && len(m6.Lesions) == 2 {
			found = true
			t.Logf("corner contact at %.2f mm: 26 -> 1 lesion of %d voxels; 18 and 6 -> %d + %d", sep, m26.Lesions[0].Voxels, m6.Lesions[0].Voxels, m6.Lesions[1].Voxels)
		}
	}
	if !found {
		t.Fatal("no separation gave a corner-only contact")
	}
}

func voxelsBeyond(m Measures, from int) int {
	n := 0
	for _, l := range m.Lesions[from:] {
		n += l.Voxels
	}
	return n
}

// TestLabelConnectivity on hand-made blocks: face, edge and corner contacts.
func TestLabelConnectivity(t *testing.T) {
	cases := []struct {
		name   string
		second [3]int // voxel of the second block next to (1,1,1)
		want   map[int]int
	}{
		{"face", [3]int{2, 1, 1}, map[int]int{6: 1, 18: 1, 26: 1}},
		{"edge", [3]int{2, 2, 1}, map[int]int{6: 2, 18: 1, 26: 1}},
		{"corner", [3]int{2, 2, 2}, map[int]int{6: 2, 18: 2, 26: 1}},
		{"apart", [3]int{3, 1, 1}, map[int]int{6: 2, 18: 2, 26: 2}},
	}
	for _, c := range cases {
		for conn, want := range c.want {
			lab := make([]int32, 64)
			lab[(1*4+1)*4+1] = 1
			s := c.second
			lab[(s[2]*4+s[1])*4+s[0]] = 1
			n, err := Label(lab, 4, 4, 4, conn)
			if err != nil || n != want {
				t.Errorf("%s, %d-connectivity: %d components (%v), want %d", c.name, conn, n, err, want)
			}
		}
	}
	if _, err := Label(make([]int32, 8), 2, 2, 2, 8); err == nil {
		t.Error("connectivity 8 accepted")
	}
}

// TestOrderAndMinVolume: ids by descending size, ties by the first voxel;
// --min-volume-ml drops small lesions.
func TestOrderAndMinVolume(t *testing.T) {
	// One row of 12 voxels: blocks of 2, 3, 2 and 1 voxels.
	g := imaging.Regular(12, 1, 1, [3]float64{}, [3]float64{1, 0, 0}, [3]float64{0, 1, 0}, [3]float64{0, 0, 1}, 1)
	v := &imaging.Volume{Geometry: g, SUV: []float64{5, 5, 0, 6, 6, 6, 0, 7, 7, 0, 8, 0}}
	m, _ := ParseMethod("suv4")
	lab, n, dropped, err := Segment(v, Options{Method: m, Connectivity: 26, MinVolumeML: 1.5})
	if err != nil || n != 3 || dropped != 1 {
		t.Fatalf("n %d dropped %d err %v", n, dropped, err)
	}
	want := []int32{2, 2, 0, 1, 1, 1, 0, 3, 3, 0, 0, 0}
	for i := range want {
		if lab[i] != want[i] {
			t.Fatalf("labels %v, want %v", lab, want)
		}
	}
}

// TestPct41 keeps 41% of each component's own maximum.
func TestPct41(t *testing.T) {
	g := imaging.Regular(9, 1, 1, [3]float64{}, [3]float64{1, 0, 0}, [3]float64{0, 1, 0}, [3]float64{0, 0, 1}, 1)
	// Component A max 10 (cut 4.1): keeps 10, 5; component B max 3 (cut 1.23, preselect 2.5): keeps all.
	v := &imaging.Volume{Geometry: g, SUV: []float64{3, 10, 5, 4, 0, 2.6, 3, 2.6, 0}}
	m := run(t, v, "pct41", 26)
	if len(m.Lesions) != 2 || m.Lesions[0].Voxels != 3 || m.Lesions[1].Voxels != 2 {
		t.Fatalf("%+v", m.Lesions)
	}
}

// TestSUVpeakBruteForce compares SUVpeak with explicit distance loops on a
// sheared, anisotropic grid with lesions at the border.
func TestSUVpeakBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	u, vv, w := [3]float64{2.1, 0.2, 0}, [3]float64{0, 2.6, 0.1}, [3]float64{0.4, 0, 3.3}
	g := imaging.Regular(11, 9, 7, [3]float64{-5, 3, 1}, u, vv, w, 0.02)
	v := &imaging.Volume{Geometry: g, SUV: make([]float64, g.Len())}
	for i := range v.SUV {
		v.SUV[i] = rng.Float64() * 6
	}
	m := run(t, v, "suv4", 6)
	lab, n, _, _ := Segment(v, Options{Method: Method{Name: "suv4", Threshold: 4}, Connectivity: 6})
	if n < 3 {
		t.Fatalf("%d lesions", n)
	}
	for id := 1; id <= n; id++ {
		best := math.Inf(-1)
		for c := range v.SUV {
			if lab[c] != int32(id) {
				continue
			}
			ci, cj, ck := c%11, c/11%9, c/99
			pc := g.Centre(ci, cj, ck)
			sum, cnt := 0.0, 0
			for o := range v.SUV {
				po := g.Centre(o%11, o/11%9, o/99)
				if (po[0]-pc[0])*(po[0]-pc[0])+(po[1]-pc[1])*(po[1]-pc[1])+(po[2]-pc[2])*(po[2]-pc[2]) <= PeakRadius*PeakRadius {
					sum += v.SUV[o]
					cnt++
				}
			}
			best = math.Max(best, sum/float64(cnt))
		}
		if got := m.Lesions[id-1].SUVpeak; math.Abs(got-best) > 1e-12*best {
			t.Errorf("lesion %d: SUVpeak %v, brute force %v", id, got, best)
		}
	}
}

func ExampleMeasure() {
	// A row of 3 mm voxels with one hot 2-voxel lesion; every voxel lies
	// within the 1 mL sphere (6.2035 mm) of each lesion voxel.
	g := imaging.Regular(4, 1, 1, [3]float64{}, [3]float64{3, 0, 0}, [3]float64{0, 3, 0}, [3]float64{0, 0, 3}, 0.027)
	v := &imaging.Volume{Geometry: g, SUV: []float64{1, 5, 7, 1}}
	lab, n, _, _ := Segment(v, Options{Method: Method{Name: "suv4", Threshold: 4}, Connectivity: 26})
	m := Measure(v, lab, n)
	l := m.Lesions[0]
	fmt.Printf("MTV %.3f mL, TLG %.3f, SUVmax %.0f, SUVpeak %.2f, centroid x %.1f mm\n", m.TMTV, m.TLG, l.SUVmax, l.SUVpeak, l.Centroid[0])
	// Output: MTV 0.054 mL, TLG 0.324, SUVmax 7, SUVpeak 3.50, centroid x 4.5 mm
}
