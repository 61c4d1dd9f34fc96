package mtv

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

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
