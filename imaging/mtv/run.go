package mtv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"

	"carimpi/imaging/segment"
	"carimpi/internal/jsonx"
)

// Options are the segmentation settings of one run.
type Options struct {
	Method       string  // suv4 (default), suv2.5, pct41, abs:X
	Preselect    float64 // pct41 preselection SUV (default 2.5)
	Connectivity int     // 6, 18 or 26 (default)
	MinVolumeML  float64
	ExcludeMask  string // NIfTI path or ""
	ROIMask      string
	Review       string // JSON path or ""
}

// Check reports settings that cannot be run (a zero Preselect or
// Connectivity stands for its default).
func (opt Options) Check() error {
	if opt.Method != "" {
		if _, err := segment.ParseMethod(opt.Method); err != nil {
			return err
		}
	}
	if p := opt.Preselect; p != 0 && (!(p > 0) || math.IsInf(p, 0)) {
		return fmt.Errorf("--preselect %g: must be a positive SUV", p)
	}
	if !(opt.MinVolumeML >= 0) || math.IsInf(opt.MinVolumeML, 0) {
		return fmt.Errorf("--min-volume-ml %g: must be >= 0 mL", opt.MinVolumeML)
	}
	switch opt.Connectivity {
	case 0, 6, 18, 26:
	default:
		return fmt.Errorf("--connectivity %d: use 6, 18 or 26", opt.Connectivity)
	}
	return nil
}

// Notice is printed with every result.
const Notice = "For research use only; not a medical device."

// SUVJSON is the "suv" object of the result.
type SUVJSON struct {
	Units         string      `json:"units"`
	Factor        jsonx.Float `json:"factor"`
	DecayTime     jsonx.Float `json:"decay_time_s"`
	Dose          jsonx.Float `json:"dose_bq"`
	Weight        jsonx.Float `json:"weight_kg"`
	ReferenceTime *string     `json:"reference_time"`
	Rule          string      `json:"rule"`
	Warnings      []string    `json:"warnings"`
}

// LesionJSON is one lesion of the result.
type LesionJSON struct {
	ID       int          `json:"id"`
	Voxels   int          `json:"voxels"`
	VolumeML jsonx.Float  `json:"volume_ml"`
	SUVmax   jsonx.Float  `json:"suvmax"`
	SUVmean  jsonx.Float  `json:"suvmean"`
	SUVpeak  jsonx.Float  `json:"suvpeak"`
	TLG      jsonx.Float  `json:"tlg"`
	Centroid jsonx.Floats `json:"centroid_mm"`
}

// ROIJSON is the "roi" object (with --roi-mask).
type ROIJSON struct {
	Voxels    int         `json:"voxels"`
	SUVmin    jsonx.Float `json:"suvmin"`
	SUVmedian jsonx.Float `json:"suvmedian"`
	SUVmax    jsonx.Float `json:"suvmax"`
}

// Result is the JSON contract of carimpi mtv.
type Result struct {
	PatientID *string      `json:"patient_id"`
	SeriesUID *string      `json:"series_uid"`
	Method    string       `json:"method"`
	Threshold jsonx.Float  `json:"threshold"`
	Preselect *float64     `json:"preselect,omitempty"`
	Conn      int          `json:"connectivity"`
	SUV       SUVJSON      `json:"suv"`
	VoxelML   jsonx.Float  `json:"voxel_ml"`
	TMTV      jsonx.Float  `json:"tmtv_ml"`
	TLG       jsonx.Float  `json:"tlg"`
	SUVmax    jsonx.Float  `json:"suvmax"`
	SUVmean   jsonx.Float  `json:"suvmean"`
	SUVpeak   jsonx.Float  `json:"suvpeak"`
	NLesions  int          `json:"n_lesions"`
	Dmax      jsonx.Float  `json:"dmax_mm"`
	Lesions   []LesionJSON `json:"lesions"`
	Dropped   int          `json:"dropped_min_volume"`
	Reviewed  *ReviewJSON  `json:"review,omitempty"`
	ROI       *ROIJSON     `json:"roi,omitempty"`
	Warnings  []string     `json:"warnings"`
	Notice    string       `json:"notice"`
}

// ReviewJSON records what a --review file changed.
type ReviewJSON struct {
	Drop []int `json:"drop,omitempty"`
	Keep []int `json:"keep,omitempty"`
}

// Run segments img and measures the lesions. It returns the result and the
// label volume (0 background, lesion ids 1..n).
func Run(img *Image, opt Options) (*Result, []int32, error) {
	if opt.Method == "" {
		opt.Method = "suv4"
	}
	if opt.Connectivity == 0 {
		opt.Connectivity = 26
	}
	if opt.Preselect == 0 {
		opt.Preselect = 2.5
	}
	if err := opt.Check(); err != nil {
		return nil, nil, err
	}
	m, _ := segment.ParseMethod(opt.Method)
	v := &img.Volume
	so := segment.Options{Method: m, Preselect: opt.Preselect, Connectivity: opt.Connectivity, MinVolumeML: opt.MinVolumeML}
	if opt.ExcludeMask != "" {
		var err error
		if so.Exclude, err = readMask(opt.ExcludeMask, &v.Geometry); err != nil {
			return nil, nil, err
		}
	}
	lab, n, dropped, err := segment.Segment(v, so)
	if err != nil {
		return nil, nil, err
	}
	res := &Result{Method: opt.Method, Threshold: jsonx.Float(m.Threshold), Conn: opt.Connectivity, Dropped: dropped,
		VoxelML: jsonx.Float(v.VoxelML), Warnings: append([]string{}, img.Warnings...), Notice: Notice}
	if m.Fraction > 0 {
		p := opt.Preselect
		res.Preselect = &p
	}
	if img.PatientID != "" {
		res.PatientID = &img.PatientID
	}
	if img.SeriesUID != "" {
		res.SeriesUID = &img.SeriesUID
	}
	s := img.SUV
	res.SUV = SUVJSON{Units: s.Units, Factor: jsonx.Float(s.Factor), DecayTime: jsonx.Float(s.DecayTime), Dose: jsonx.Float(s.Dose),
		Weight: jsonx.Float(s.Weight), Rule: s.Rule, Warnings: append([]string{}, s.Warnings...)}
	if s.ReferenceTime != "" {
		t := s.ReferenceTime
		res.SUV.ReferenceTime = &t
	}
	if opt.Review != "" {
		rv, err := readReview(opt.Review)
		if err != nil {
			return nil, nil, err
		}
		ids, keep := rv.Drop, false
		if rv.Keep != nil {
			ids, keep = rv.Keep, true
		}
		if n, err = segment.Keep(lab, n, ids, keep); err != nil {
			return nil, nil, fmt.Errorf("%s: %w (was it made with the same method and masks?)", opt.Review, err)
		}
		res.Reviewed = rv
	}
	meas := segment.Measure(v, lab, n)
	res.TMTV, res.TLG = jsonx.Float(meas.TMTV), jsonx.Float(meas.TLG)
	res.SUVmax, res.SUVmean, res.SUVpeak = jsonx.Float(meas.SUVmax), jsonx.Float(meas.SUVmean), jsonx.Float(meas.SUVpeak)
	res.NLesions, res.Dmax = n, jsonx.Float(meas.Dmax)
	res.Lesions = make([]LesionJSON, n)
	for i, l := range meas.Lesions {
		res.Lesions[i] = LesionJSON{ID: l.ID, Voxels: l.Voxels, VolumeML: jsonx.Float(l.VolumeML), SUVmax: jsonx.Float(l.SUVmax),
			SUVmean: jsonx.Float(l.SUVmean), SUVpeak: jsonx.Float(l.SUVpeak), TLG: jsonx.Float(l.TLG), Centroid: l.Centroid[:]}
	}
	if n == 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("no lesion found with method %s: MTV is 0 and the SUV statistics are null", opt.Method))
	}
	if opt.ROIMask != "" {
		in, err := readMask(opt.ROIMask, &v.Geometry)
		if err != nil {
			return nil, nil, err
		}
		r := segment.ROIStats(v.SUV, in)
		res.ROI = &ROIJSON{Voxels: r.Voxels, SUVmin: jsonx.Float(r.SUVmin), SUVmedian: jsonx.Float(r.SUVmedian), SUVmax: jsonx.Float(r.SUVmax)}
		if r.Voxels == 0 {
			res.Warnings = append(res.Warnings, "the ROI mask is empty")
		}
	}
	return res, lab, nil
}

// readReview reads a review file: a JSON list of lesion ids to drop, or
// {"drop": [ids]} or {"keep": [ids]}, ids as numbered by the same run
// without the review.
func readReview(path string) (*ReviewJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var list []int
	if json.Unmarshal(b, &list) == nil {
		return &ReviewJSON{Drop: list}, nil
	}
	var rv struct {
		Drop *[]int `json:"drop"`
		Keep *[]int `json:"keep"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rv); err != nil {
		return nil, fmt.Errorf("%s: a review is a JSON list of lesion ids to drop, or {\"drop\": [...]} or {\"keep\": [...]}: %v", path, err)
	}
	switch {
	case rv.Drop != nil && rv.Keep != nil:
		return nil, fmt.Errorf("%s: give either \"drop\" or \"keep\", not both", path)
	case rv.Keep != nil:
		k := *rv.Keep
		if k == nil {
			k = []int{}
		}
		return &ReviewJSON{Keep: k}, nil
	case rv.Drop != nil:
		return &ReviewJSON{Drop: *rv.Drop}, nil
	}
	return nil, errors.New(path + `: review file has neither "drop" nor "keep"`)
}
