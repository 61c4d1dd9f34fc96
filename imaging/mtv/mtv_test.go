package mtv

import (
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"carimpi/imaging/nifti"
	"carimpi/internal/reftest"
)

// runArgs turns an expected.json run's args into Options (paths relative to dir).
func runArgs(t *testing.T, dir string, args []string) Options {
	var o Options
	for i := 0; i+1 < len(args); i += 2 {
		v := args[i+1]
		switch args[i] {
		case "--method":
			o.Method = v
		case "--connectivity":
			o.Connectivity, _ = strconv.Atoi(v)
		case "--min-volume-ml":
			o.MinVolumeML, _ = strconv.ParseFloat(v, 64)
		case "--preselect":
			o.Preselect, _ = strconv.ParseFloat(v, 64)
		case "--exclude-mask":
			o.ExcludeMask = filepath.Join(dir, v)
		case "--roi-mask":
			o.ROIMask = filepath.Join(dir, v)
		default:
			t.Fatalf("unknown arg %s", args[i])
		}
	}
	return o
}

// compareJSON checks got against want: numbers to rel (floor abs), the
// rest exactly; keys of want must all be present in got.
func compareJSON(t *testing.T, path string, got, want any, rel, abs float64) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: got %v, want an object", path, got)
			return
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				t.Errorf("%s.%s missing", path, k)
				continue
			}
			compareJSON(t, path+"."+k, gv, wv, rel, abs)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			t.Errorf("%s: got %v, want %v", path, got, want)
			return
		}
		for i := range w {
			compareJSON(t, path+"["+strconv.Itoa(i)+"]", g[i], w[i], rel, abs)
		}
	case float64:
		g, ok := got.(float64)
		if !ok {
			t.Errorf("%s: got %v, want %v", path, got, w)
			return
		}
		if math.Abs(g-w) > math.Max(rel*math.Abs(w), abs) {
			t.Errorf("%s: got %.17g, want %.17g (rel %.2g)", path, g, w, math.Abs(g-w)/math.Abs(w))
		}
	default:
		if got != want {
			t.Errorf("%s: got %v, want %v", path, got, want)
		}
	}
}

func resultJSON(t *testing.T, r *Result) any {
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

type expectedCase struct {
	Input struct {
		Args []string `json:"args"`
	} `json:"input"`
	Runs []struct {
		Name     string         `json:"name"`
		Args     []string       `json:"args"`
		Expected map[string]any `json:"expected"`
	} `json:"runs"`
}

func loadCase(t *testing.T, dir string) (*Image, expectedCase) {
	var e expectedCase
	b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	var img *Image
	switch e.Input.Args[0] {
	case "--dicom":
		img, err = LoadDICOM(reftest.Untar(t, filepath.Join(dir, "dicom.tar.gz"), ""))
	case "--nifti":
		img, err = LoadNIfTI(filepath.Join(dir, e.Input.Args[1]), filepath.Join(dir, e.Input.Args[3]))
	}
	if err != nil {
		t.Fatal(err)
	}
	return img, e
}

// TestSynthetic runs every case of the PET reference oracle (see
// testdata/README.md): exact voxel counts and lesion lists, everything else
// to 1e-9 relative (centroids with a 1e-6 mm floor).
func TestSynthetic(t *testing.T) {
	for _, c := range []string{"s01_spheres_dicom", "s02_touching_bladder_dicom", "s03_nifti_bqml"} {
		t.Run(c, func(t *testing.T) {
			dir := filepath.Join("testdata", "synthetic", c)
			img, e := loadCase(t, dir)
			for _, run := range e.Runs {
				t.Run(run.Name, func(t *testing.T) {
					r, _, err := Run(img, runArgs(t, dir, run.Args))
					if err != nil {
						t.Fatal(err)
					}
					compareJSON(t, "", resultJSON(t, r), run.Expected, 1e-9, 1e-6)
				})
			}
		})
	}
}

// TestIBSI reads the 17 IBSI SUV digital reference objects and checks the
// ROI SUV min/median/max against the benchmark at two decimals (DRO_2_3:
// the values the Du Bois BSA gives; see testdata/README.md), the SUV factor
// against the oracle to 1e-9, and DRO_0_0's segmentation runs to 1e-6.
func TestIBSI(t *testing.T) {
	dros, err := filepath.Glob(filepath.Join("testdata", "ibsi", "DRO_*_*"))
	if err != nil || len(dros) != 17 {
		t.Fatalf("want 17 IBSI objects, found %d (%v)", len(dros), err)
	}
	for _, dir := range dros {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var e struct {
				ROICheck struct {
					SUVmin    float64 `json:"suvmin"`
					SUVmedian float64 `json:"suvmedian"`
					SUVmax    float64 `json:"suvmax"`
				} `json:"roi_check"`
				Oracle struct {
					ROI map[string]float64 `json:"roi"`
					SUV map[string]any     `json:"suv"`
				} `json:"oracle"`
				Runs []struct {
					Name     string         `json:"name"`
					Args     []string       `json:"args"`
					Expected map[string]any `json:"expected"`
				} `json:"runs"`
			}
			b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &e); err != nil {
				t.Fatal(err)
			}
			img, err := LoadDICOM(filepath.Join(reftest.Untar(t, filepath.Join(dir, "PT.tar.gz"), ""), "PT"))
			if err != nil {
				t.Fatal(err)
			}
			r, _, err := Run(img, Options{Method: "suv2.5", ROIMask: filepath.Join(dir, "mask.nii.gz")})
			if err != nil {
				t.Fatal(err)
			}
			if r.ROI == nil || r.ROI.Voxels != int(e.Oracle.ROI["voxels"]) {
				t.Fatalf("roi %+v, want %v voxels", r.ROI, e.Oracle.ROI["voxels"])
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{{"suvmin", float64(r.ROI.SUVmin), e.ROICheck.SUVmin}, {"suvmedian", float64(r.ROI.SUVmedian), e.ROICheck.SUVmedian}, {"suvmax", float64(r.ROI.SUVmax), e.ROICheck.SUVmax}} {
				if math.Abs(c.got-c.want) > 0.005 {
					t.Errorf("%s = %.4f, want %.2f", c.name, c.got, c.want)
				}
			}
			compareJSON(t, "suv", resultJSON(t, r).(map[string]any)["suv"], e.Oracle.SUV, 1e-9, 1e-6)
			for _, run := range e.Runs {
				t.Run(run.Name, func(t *testing.T) {
					r, _, err := Run(img, runArgs(t, dir, run.Args))
					if err != nil {
						t.Fatal(err)
					}
					compareJSON(t, "", resultJSON(t, r), run.Expected, 1e-6, 1e-6)
				})
			}
		})
	}
}

// TestMaskByWorld: a mask stored with its axes swapped and flipped (but
// the same voxel centres) selects the same voxels.
func TestMaskByWorld(t *testing.T) {
	dir := filepath.Join("testdata", "synthetic", "s01_spheres_dicom")
	img, _ := loadCase(t, dir)
	m, err := nifti.Read(filepath.Join(dir, "roi_liver.nii.gz"))
	if err != nil {
		t.Fatal(err)
	}
	nx, ny, nz := m.Dim[0], m.Dim[1], m.Dim[2]
	// New axes: i' = ny-1-j (flipped j), j' = i, k' = k.
	data := make([]uint16, len(m.Data))
	for k := 0; k < nz; k++ {
		for j := 0; j < ny; j++ {
			for i := 0; i < nx; i++ {
				ip, jp := ny-1-j, i
				data[(k*nx+jp)*ny+ip] = uint16(m.Data[(k*ny+j)*nx+i])
			}
		}
	}
	a := m.Affine
	var b [4][4]float64
	for r := 0; r < 3; r++ {
		b[r] = [4]float64{-a[r][1], a[r][0], a[r][2], a[r][3] + float64(ny-1)*a[r][1]}
	}
	b[3][3] = 1
	p := filepath.Join(t.TempDir(), "roi.nii")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := nifti.WriteUint16(f, [3]int{ny, nx, nz}, b, data, false, ""); err != nil {
		t.Fatal(err)
	}
	f.Close()
	r1, _, err := Run(img, Options{ROIMask: filepath.Join(dir, "roi_liver.nii.gz")})
	if err != nil {
		t.Fatal(err)
	}
	r2, _, err := Run(img, Options{ROIMask: p})
	if err != nil {
		t.Fatal(err)
	}
	if *r1.ROI != *r2.ROI || r1.ROI.Voxels != 218 {
		t.Errorf("roi %+v vs transposed mask %+v", *r1.ROI, *r2.ROI)
	}
	// A mask on another grid (shifted by half a voxel) is refused.
	b[0][3] += a[0][0] / 2
	if err := nifti.WriteUint16(mustCreate(t, p), [3]int{ny, nx, nz}, b, data, false, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Run(img, Options{ROIMask: p}); err == nil {
		t.Error("mask on a different grid accepted")
	}
}

func mustCreate(t *testing.T, p string) *os.File {
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestReviewAndEmpty: a review drops or keeps lesions of the first run and
// renumbers the rest; no lesion gives MTV 0, null statistics and a warning.
func TestReviewAndEmpty(t *testing.T) {
	dir := filepath.Join("testdata", "synthetic", "s01_spheres_dicom")
	img, _ := loadCase(t, dir)
	tmp := t.TempDir()
	for _, c := range []struct {
		review string
		voxels []int
	}{
		{`[2]`, []int{424, 20, 6}},
		{`{"drop": [1, 4]}`, []int{86, 20}},
		{`{"keep": [3]}`, []int{20}},
	} {
		p := filepath.Join(tmp, "review.json")
		os.WriteFile(p, []byte(c.review), 0o644)
		r, _, err := Run(img, Options{Method: "suv2.5", Review: p})
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for i, l := range r.Lesions {
			if l.ID != i+1 {
				t.Errorf("%s: ids %v", c.review, r.Lesions)
			}
			got = append(got, l.Voxels)
		}
		if !slices.Equal(got, c.voxels) {
			t.Errorf("review %s: lesions %v, want %v", c.review, got, c.voxels)
		}
	}
	p := filepath.Join(tmp, "bad.json")
	os.WriteFile(p, []byte(`{"drop": [9]}`), 0o644)
	if _, _, err := Run(img, Options{Method: "suv2.5", Review: p}); err == nil || !strings.Contains(err.Error(), "lesion 9") {
		t.Errorf("unknown id: %v", err)
	}
	r, lab, err := Run(img, Options{Method: "abs:50"})
	if err != nil {
		t.Fatal(err)
	}
	js := resultJSON(t, r).(map[string]any)
	if js["tmtv_ml"] != 0.0 || js["n_lesions"] != 0.0 || js["suvmax"] != nil || js["suvpeak"] != nil || js["dmax_mm"] != 0.0 ||
		len(js["lesions"].([]any)) != 0 || len(r.Warnings) != 1 || slices.Max(lab) != 0 {
		t.Errorf("no lesion: %v", js)
	}
}

// TestSidecars: the same NIfTI scan described by dcm2niix names (as in
// s03), dcm2niix's colon times and AcquisitionDateTime, BIDS-PET names, and
// as SUV already.
func TestSidecars(t *testing.T) {
	dir := filepath.Join("testdata", "synthetic", "s03_nifti_bqml")
	const want = 0.00032158524835881067 // the oracle's factor for s03
	for _, c := range []struct {
		name, json string
		factor     float64
		rule       string
	}{
		{"dcm2niix colon times", `{"Units":"BQML","DecayCorrection":"START","PatientWeight":64.3,"RadionuclideHalfLife":6586.2,
			"RadionuclideTotalDose":295000000,"RadiopharmaceuticalStartTime":"09:12:30.000000","AcquisitionTime":"10:14:05.500000"}`, want, "SeriesTime"},
		{"AcquisitionDateTime", `{"Units":"Bq/mL","DecayCorrection":"START","PatientWeight":64.3,"RadionuclideHalfLife":6586.2,
			"RadionuclideTotalDose":295,"RadiopharmaceuticalStartTime":"091230","AcquisitionDateTime":"2025-03-10T10:14:05.500000"}`, want, "SeriesDate/Time"},
		{"BIDS-PET", `{"Units":"Bq/mL","BodyWeight":64.3,"InjectedRadioactivity":295,"InjectedRadioactivityUnits":"MBq",
			"RadionuclideHalfLife":6586.2,"TimeZero":"09:12:30","InjectionStart":0,"ScanStart":3695.5,"ImageDecayCorrected":true,
			"ImageDecayCorrectionTime":3695.5}`, want, "BIDS ImageDecayCorrectionTime"},
		{"SUV already", `{"Units":"g/ml"}`, 1, "sidecar Units g/ml (SUVbw)"},
	} {
		p := filepath.Join(t.TempDir(), "pet.json")
		os.WriteFile(p, []byte(c.json), 0o644)
		img, err := LoadNIfTI(filepath.Join(dir, "pet.nii.gz"), p)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if math.Abs(img.SUV.Factor-c.factor) > 1e-12*c.factor || img.SUV.Rule != c.rule {
			t.Errorf("%s: factor %.17g (%s), want %.17g (%s)", c.name, img.SUV.Factor, img.SUV.Rule, c.factor, c.rule)
		}
	}
	// The sidecar beside the image is found without --sidecar; none is an error naming the keys.
	if img, err := LoadNIfTI(filepath.Join(dir, "pet.nii.gz"), ""); err != nil || math.Abs(img.SUV.Factor-want) > 1e-15 {
		t.Errorf("sidecar beside the image: %v", err)
	}
	tmp := t.TempDir()
	b, _ := os.ReadFile(filepath.Join(dir, "pet.nii.gz"))
	os.WriteFile(filepath.Join(tmp, "x.nii.gz"), b, 0o644)
	if _, err := LoadNIfTI(filepath.Join(tmp, "x.nii.gz"), ""); err == nil || !strings.Contains(err.Error(), "RadionuclideTotalDose") {
		t.Errorf("no sidecar: %v", err)
	}
}

// TestNaNVoxels: voxels that are not numbers (outside the field of view in
// some conversions) become SUV 0 with a warning; the rest is unchanged.
func TestNaNVoxels(t *testing.T) {
	dir := filepath.Join("testdata", "synthetic", "s03_nifti_bqml")
	f, err := os.Open(filepath.Join(dir, "pet.nii.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if dt := binary.LittleEndian.Uint16(b[70:]); dt != 16 {
		t.Fatalf("datatype %d, want float32", dt)
	}
	binary.LittleEndian.PutUint32(b[352:], math.Float32bits(float32(math.NaN()))) // the corner voxel, in air
	p := filepath.Join(t.TempDir(), "pet.nii")
	os.WriteFile(p, b, 0o644)
	img, err := LoadNIfTI(p, filepath.Join(dir, "pet.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := Run(img, Options{Method: "suv4"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "1 voxels are not finite") || r.NLesions != 5 || math.IsNaN(float64(r.SUVpeak)) {
		t.Errorf("warnings %v, %d lesions, SUVpeak %v", r.Warnings, r.NLesions, r.SUVpeak)
	}
}
