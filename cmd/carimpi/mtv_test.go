package main

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"carimpi/imaging/nifti"
	"carimpi/internal/reftest"
)

const petCases = "../../imaging/mtv/testdata/synthetic"

// TestMTVCLI runs the NIfTI reference case through the command line and
// checks the JSON contract, the label mask and the MIP.
func TestMTVCLI(t *testing.T) {
	dir := filepath.Join(petCases, "s03_nifti_bqml")
	out := t.TempDir()
	mask, pic := filepath.Join(out, "labels.nii.gz"), filepath.Join(out, "mip.png")
	var got struct {
		Method   string  `json:"method"`
		TMTV     float64 `json:"tmtv_ml"`
		NLesions int     `json:"n_lesions"`
		Lesions  []struct {
			ID     int `json:"id"`
			Voxels int `json:"voxels"`
		} `json:"lesions"`
		ROI *struct {
			Voxels int `json:"voxels"`
		} `json:"roi"`
	}
	runJSON(t, &got, "mtv", "--nifti", filepath.Join(dir, "pet.nii.gz"), "--sidecar", filepath.Join(dir, "pet.json"),
		"--method", "pct41", "--roi-mask", filepath.Join(dir, "roi_liver.nii.gz"), "--mask-out", mask, "--mip", pic)
	// The oracle's pct41 run: lesions of 374, 128, 89, 38 and 25 voxels; ROI 434 voxels.
	want := []int{374, 128, 89, 38, 25}
	if got.Method != "pct41" || got.NLesions != len(want) || got.ROI == nil || got.ROI.Voxels != 434 {
		t.Fatalf("got %+v", got)
	}
	for i, l := range got.Lesions {
		if l.ID != i+1 || l.Voxels != want[i] {
			t.Errorf("lesion %d: %+v, want %d voxels", i+1, l, want[i])
		}
	}
	if math.Abs(got.TMTV-20.601) > 1e-9 {
		t.Errorf("tmtv %v, want 20.601", got.TMTV)
	}
	img, err := nifti.Read(mask)
	if err != nil {
		t.Fatal(err)
	}
	src, err := nifti.Read(filepath.Join(dir, "pet.nii.gz"))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[float64]int{}
	for _, v := range img.Data {
		counts[v]++
	}
	for i, n := range want {
		if counts[float64(i+1)] != n {
			t.Errorf("mask label %d: %d voxels, want %d", i+1, counts[float64(i+1)], n)
		}
	}
	if img.Datatype != nifti.DTUint16 || img.Dim != src.Dim {
		t.Errorf("mask datatype %d dims %v, want uint16 %v", img.Datatype, img.Dim, src.Dim)
	}
	for r := 0; r < 3; r++ {
		for c := 0; c < 4; c++ {
			if math.Abs(img.Affine[r][c]-src.Affine[r][c]) > 1e-4 {
				t.Errorf("mask affine %v, image affine %v", img.Affine, src.Affine)
			}
		}
	}
	if b, err := os.ReadFile(pic); err != nil || !strings.HasPrefix(string(b), "\x89PNG") {
		t.Errorf("MIP: %v", err)
	}
	// The outputs never replace an input.
	if _, errOut, code := runCLI(t, "mtv", "--nifti", filepath.Join(dir, "pet.nii.gz"), "--sidecar", filepath.Join(dir, "pet.json"),
		"--mask-out", filepath.Join(dir, "pet.nii.gz")); code == 0 || !strings.Contains(errOut, "pet.nii.gz") {
		t.Errorf("overwriting the input: exit %d, %s", code, errOut)
	}
}

// TestMTVBatch runs --batch over two reference series, one broken copy
// (a slice missing) and a file that is not DICOM: one row per PET series,
// the failure in its row.
func TestMTVBatch(t *testing.T) {
	root := t.TempDir()
	reftest.Untar(t, filepath.Join(petCases, "s01_spheres_dicom", "dicom.tar.gz"), filepath.Join(root, "p1", "pet"))
	broken := reftest.Untar(t, filepath.Join(petCases, "s02_touching_bladder_dicom", "dicom.tar.gz"), filepath.Join(root, "p2", "deep", "er"))
	if err := os.Remove(filepath.Join(broken, "dicom", "IM_0020.dcm")); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "notes.txt"), []byte("not a DICOM file"), 0o644)
	csvPath := filepath.Join(t.TempDir(), "mtv.csv")
	_, errOut, code := runCLI(t, "mtv", "--batch", root, "--out", csvPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "patient_id,mtv_ml,mtv_method,tlg,suvmax,suvpeak,n_lesions,dmax_mm,series_uid,error" || len(recs) != 3 {
		t.Fatalf("csv %v", recs)
	}
	if r := recs[1]; r[0] != "PETREF-S01" || r[1] != "33.92" || r[2] != "SUV4" || r[6] != "3" || r[9] != "" {
		t.Errorf("row 1 %v", r)
	}
	if r := recs[2]; r[0] != "PETREF-S02" || r[1] != "" || !strings.Contains(r[9], "spacing") {
		t.Errorf("row 2 %v", r)
	}
	// With age and stage joined, the rows are a cohort file that validate
	// (the one patient-record reader) accepts, mtv_method included.
	var b strings.Builder
	b.WriteString("age,stage," + strings.Join(recs[0], ",") + "\n")
	b.WriteString("64,3," + strings.Join(recs[1], ",") + "\n")
	merged := filepath.Join(t.TempDir(), "cohort.csv")
	os.WriteFile(merged, []byte(b.String()), 0o644)
	var v struct {
		Accepted int   `json:"accepted"`
		Problems []any `json:"problems"`
	}
	runJSON(t, &v, "validate", "--data", merged)
	if v.Accepted != 1 || len(v.Problems) != 0 {
		t.Errorf("validate on mtv.csv joined with age and stage: %+v", v)
	}
	for _, s := range []string{"2 PET series, 1 failed", "1 non-DICOM files", "2/2 series done", "left"} {
		if !strings.Contains(errOut, s) {
			t.Errorf("progress lacks %q:\n%s", s, errOut)
		}
	}
}
