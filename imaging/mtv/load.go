// Package mtv runs the PET-to-MTV pipeline of "carimpi mtv": it loads a
// DICOM series or a NIfTI image with its sidecar as SUV, applies exclusion
// and ROI masks, segments lesions with package segment and assembles the
// result in the command's JSON shape. File formats live in imaging/dicom
// and imaging/nifti; the numerics in imaging/suv and imaging/segment.
package mtv

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"

	"carimpi/imaging"
	"carimpi/imaging/dicom"
	"carimpi/imaging/nifti"
	"carimpi/imaging/suv"
)

// Image is an SUV volume with where it came from.
type Image struct {
	PatientID string // "" when unknown (NIfTI)
	SeriesUID string
	Volume    imaging.Volume
	SUV       suv.Result
	Warnings  []string
}

// LoadDICOM reads the one PET series under dir.
func LoadDICOM(dir string) (*Image, error) {
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("--dicom %s: %w", dir, errors.Unwrap(err))
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("--dicom %s is a file; give the directory of the series", dir)
	}
	s, err := dicom.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	return fromSeries(s), nil
}

func fromSeries(s *dicom.Series) *Image {
	return &Image{PatientID: s.PatientID, SeriesUID: s.SeriesUID, Volume: s.Volume, SUV: s.SUV, Warnings: s.Warnings}
}

// geometryOf returns the LPS geometry of a NIfTI image: RAS affine columns
// with x and y negated; voxel_ml from pixdim.
func geometryOf(img *nifti.Image) imaging.Geometry {
	a := img.Affine
	col := func(c int) [3]float64 { return [3]float64{-a[0][c], -a[1][c], a[2][c]} }
	ml := img.Pixdim[0] * img.Pixdim[1] * img.Pixdim[2] / 1000
	return imaging.Regular(img.Dim[0], img.Dim[1], img.Dim[2], col(3), col(0), col(1), col(2), math.Abs(ml))
}

// LoadNIfTI reads a NIfTI PET image; sidecar is its JSON (dcm2niix or
// BIDS-PET names), required unless the image is already SUV.
func LoadNIfTI(path, sidecar string) (*Image, error) {
	img, err := nifti.Read(path)
	if err != nil {
		return nil, err
	}
	if sidecar == "" {
		for _, ext := range []string{".nii.gz", ".nii"} {
			if strings.HasSuffix(path, ext) {
				cand := strings.TrimSuffix(path, ext) + ".json"
				if _, err := os.Stat(cand); err == nil {
					sidecar = cand
				}
				break
			}
		}
	}
	if sidecar == "" {
		return nil, fmt.Errorf("%s: no sidecar JSON: give --sidecar F.json with \"Units\" (\"g/ml\" if the image is SUV already, else Bq/mL with PatientWeight, RadionuclideTotalDose, RadionuclideHalfLife, RadiopharmaceuticalStartTime, AcquisitionTime or SeriesTime, DecayCorrection)", path)
	}
	b, err := os.ReadFile(sidecar)
	if err != nil {
		return nil, err
	}
	var side map[string]any
	if err := json.Unmarshal(b, &side); err != nil {
		return nil, fmt.Errorf("%s: %w", sidecar, err)
	}
	res, err := sidecarSUV(side)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sidecar, err)
	}
	g := geometryOf(img)
	vol := imaging.Volume{Geometry: g, SUV: img.Data}
	bad := 0
	for i, v := range vol.SUV {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			v = 0
			bad++
		}
		vol.SUV[i] = v * res.Factor
	}
	if err := vol.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := &Image{Volume: vol, SUV: res}
	if bad > 0 {
		out.Warnings = append(out.Warnings, fmt.Sprintf("%d voxels are not finite (NaN or infinite, e.g. outside the field of view) and were set to SUV 0", bad))
	}
	if id, ok := side["PatientID"].(string); ok {
		out.PatientID = id
	}
	if id, ok := side["SeriesInstanceUID"].(string); ok {
		out.SeriesUID = id
	}
	return out, nil
}

// sidecarSUV computes the SUV factor from a dcm2niix or BIDS-PET sidecar.
func sidecarSUV(m map[string]any) (suv.Result, error) {
	str := func(keys ...string) string {
		for _, k := range keys {
			if v, ok := m[k].(string); ok && strings.TrimSpace(v) != "" {
				return strings.TrimSpace(v)
			}
		}
		return ""
	}
	num := func(keys ...string) (float64, bool) {
		for _, k := range keys {
			switch v := m[k].(type) {
			case float64:
				return v, true
			case string:
				var f float64
				if _, err := fmt.Sscan(v, &f); err == nil {
					return f, true
				}
			}
		}
		return 0, false
	}
	units := strings.ToLower(strings.ReplaceAll(str("Units"), " ", ""))
	weight, _ := num("PatientWeight", "BodyWeight")
	switch units {
	case "g/ml", "gml", "g/cc", "suv", "suvbw":
		r := suv.Result{Units: str("Units"), Factor: 1, Factors: []float64{1}, DecayTime: math.NaN(), Dose: math.NaN(), Weight: math.NaN(), Rule: "sidecar Units g/ml (SUVbw)"}
		if weight > 0 {
			r.Weight = weight
		}
		return r, nil
	case "bqml", "bq/ml", "bq/cc":
	case "":
		return suv.Result{}, errors.New(`sidecar has no "Units": say "g/ml" (SUV) or "Bq/mL"`)
	default:
		return suv.Result{}, fmt.Errorf("sidecar Units %q: supported are g/ml (SUV) and Bq/mL", str("Units"))
	}
	dose, ok := num("RadionuclideTotalDose")
	if !ok {
		if d, ok2 := num("InjectedRadioactivity"); ok2 {
			scale := 1e6 // BIDS default unit MBq
			switch strings.ToLower(str("InjectedRadioactivityUnits")) {
			case "bq":
				scale = 1
			case "kbq":
				scale = 1e3
			case "gbq":
				scale = 1e9
			case "mci":
				scale = 3.7e7
			}
			dose = d * scale
		}
	}
	half, _ := num("RadionuclideHalfLife")
	if _, bids := num("InjectionStart"); bids && str("RadiopharmaceuticalStartTime") == "" {
		return bidsSUV(m, num, weight, dose, half)
	}
	h := suv.Header{Units: "BQML", DecayCorrection: str("DecayCorrection"), NoCorrectionTag: true, PatientWeight: weight,
		TotalDose: dose, HalfLife: half, StartTime: str("RadiopharmaceuticalStartTime"), StartDateTime: str("RadiopharmaceuticalStartDateTime"),
		SeriesTime: str("SeriesTime"), SeriesDate: str("SeriesDate", "AcquisitionDate", "StudyDate")}
	acqDate, acqTime := str("AcquisitionDate"), str("AcquisitionTime")
	if dt := str("AcquisitionDateTime"); dt != "" && (acqDate == "" || acqTime == "") {
		if d, t, ok := strings.Cut(dt, "T"); ok {
			acqDate, acqTime = d, t
		} else if len(dt) >= 8 {
			acqDate, acqTime = dt[:8], dt[8:]
		}
	}
	if h.SeriesDate == "" {
		h.SeriesDate = acqDate
	}
	if acqTime == "" && h.SeriesTime == "" {
		return suv.Result{}, errors.New("sidecar has neither AcquisitionTime nor SeriesTime: the decay correction needs the scan time")
	}
	if h.SeriesTime == "" {
		h.SeriesTime = acqTime
	}
	if acqTime == "" {
		acqTime = h.SeriesTime
	}
	dated := h.SeriesDate != ""
	if !dated {
		h.SeriesDate = "20000101" // times of day only: any common date
	}
	h.Slices = []suv.Slice{{AcquisitionDate: acqDate, AcquisitionTime: acqTime}}
	if h.StartDateTime != "" && !strings.ContainsAny(h.StartDateTime[min(8, len(h.StartDateTime)):], "0123456789") {
		h.StartDateTime = ""
	}
	if h.StartDateTime != "" {
		h.StartDateTime = strings.NewReplacer("-", "", ":", "", "T", "").Replace(h.StartDateTime)
	}
	r, err := suv.Compute(h)
	if err != nil {
		return r, err
	}
	if !dated {
		r.ReferenceTime = ""
		switch r.Rule {
		case "SeriesDate/Time":
			r.Rule = "SeriesTime"
		case "earliest AcquisitionDate/Time":
			r.Rule = "AcquisitionTime"
		}
	}
	return r, nil
}

// bidsSUV uses BIDS-PET timing: InjectionStart, ScanStart and
// ImageDecayCorrectionTime in seconds relative to TimeZero.
func bidsSUV(m map[string]any, num func(...string) (float64, bool), weight, dose, half float64) (suv.Result, error) {
	r := suv.Result{Units: "Bq/mL", DecayTime: math.NaN(), Dose: math.NaN(), Weight: math.NaN()}
	if !(weight > 0) {
		return r, errors.New("sidecar has no BodyWeight/PatientWeight (kg)")
	}
	if !(dose > 0) {
		return r, errors.New("sidecar has no InjectedRadioactivity/RadionuclideTotalDose")
	}
	if !(half > 0) {
		return r, errors.New("sidecar has no RadionuclideHalfLife (s): the decay correction needs it")
	}
	inj, _ := num("InjectionStart")
	ref, ok := num("ImageDecayCorrectionTime")
	rule := "BIDS ImageDecayCorrectionTime"
	if !ok {
		ref, ok = num("ScanStart")
		rule = "BIDS ScanStart"
	}
	if !ok {
		return r, errors.New("sidecar has InjectionStart but neither ImageDecayCorrectionTime nor ScanStart")
	}
	if b, isBool := m["ImageDecayCorrected"].(bool); isBool && !b {
		return r, errors.New("sidecar says ImageDecayCorrected false: images without decay correction are not supported")
	}
	t := ref - inj
	f := weight * 1000 / (dose * math.Exp(-math.Ln2/half*t))
	r.Factor, r.Factors, r.DecayTime, r.Dose, r.Weight, r.Rule = f, []float64{f}, t, dose, weight, rule
	return r, nil
}

// readMask reads a NIfTI mask and maps it onto the image grid by world
// coordinates; true where the mask is non-zero.
func readMask(path string, g *imaging.Geometry) ([]bool, error) {
	img, err := nifti.Read(path)
	if err != nil {
		return nil, err
	}
	mg := geometryOf(img)
	idx, err := g.IndexMap(&mg, 1e-3)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make([]bool, g.Len())
	for i, v := range img.Data {
		if v != 0 {
			out[idx[i]] = true
		}
	}
	return out, nil
}
