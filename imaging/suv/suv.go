// Package suv computes the standardized uptake value scale factor of a PET
// image from its acquisition metadata: SUVbw (g/mL) decay-corrected to the
// injection time, following the DICOM PET module and the QIBA/IBSI rules.
//
//	SUVbw = (stored x RescaleSlope + RescaleIntercept) x factor
//	factor = weight_g / decayed_dose_Bq                              (Units BQML)
//	decayed_dose = dose x exp(-ln2 / T1/2 x (t_ref - t_inj))        (DecayCorrection START)
//
// The decay reference time t_ref is chosen in the QIBA order: SeriesDate/Time
// if not after the earliest AcquisitionDate/Time; else GE's private scan
// datetime (0009,100D); else, when every slice has FrameReferenceTime > 0 and
// ActualFrameDuration > 0, per slice
//
//	t_ref = t_acq + (1/lambda) ln(lambda T / (1 - exp(-lambda T))) - FrameReferenceTime/1000
//
// (T = ActualFrameDuration/1000 s); else the earliest acquisition time. This is
// the only order that reproduces both the IBSI SUV digital reference objects
// (Pfaehler et al., IBSI SUV manual) and the cornerstone calculate-suv
// fixtures. Philips CNTS images use (7053,1000) or (7053,1009); GML images in
// other SUV types (LBM James, Janmahasatian, IBW) and CM2ML (SUVbsa, Du Bois)
// are converted back to SUVbw. The package knows nothing of files.
package suv

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Slice holds the per-image timing of one slice (or frame).
type Slice struct {
	AcquisitionDate     string  // DA
	AcquisitionTime     string  // TM
	AcquisitionDateTime string  // DT, used when date/time are absent
	FrameReferenceTime  float64 // ms, 0 when absent
	ActualFrameDuration float64 // ms, 0 when absent
}

// Header is the series-level metadata the SUV needs; numbers are 0 when absent.
type Header struct {
	Units           string // (0054,1001) BQML, CNTS, GML, CM2ML
	DecayCorrection string // (0054,1102) START, ADMIN, NONE
	SUVType         string // (0054,1006) for GML images
	CorrectedImage  []string
	HasCorrected    bool // CorrectedImage present
	// NoCorrectionTag marks inputs that cannot carry CorrectedImage (a NIfTI
	// sidecar): no check and no warning.
	NoCorrectionTag bool
	PatientSex      string
	PatientWeight   float64 // kg (a value > 1000 is read as grams)
	PatientSize     float64 // m (a value > 3 is read as cm)
	SeriesDate      string
	SeriesTime      string
	// Radiopharmaceutical information sequence (0054,0016), first item.
	StartDateTime string  // (0018,1078) DT
	StartTime     string  // (0018,1072) TM
	TotalDose     float64 // (0018,1074) Bq (a value < 1e5 is read as MBq)
	HalfLife      float64 // (0018,1075) s
	// Vendor private tags, looked up by number.
	GEScanDateTime string  // (0009,100D) DT, GEMS_PETD_01
	PhilipsSUV     float64 // (7053,1000) SUV scale factor
	PhilipsActConc float64 // (7053,1009) activity concentration scale factor
	Slices         []Slice // in the series' slice order
}

// Result is the SUV conversion of a series.
type Result struct {
	Units   string    // the input units
	Factor  float64   // the factor of the first slice
	Factors []float64 // one per slice (all equal unless the decay reference is per slice)
	// DecayTime is t_ref - t_inj of the first slice in seconds (0 for ADMIN); NaN when no decay correction applies.
	DecayTime     float64
	Dose          float64 // Bq; NaN when not used
	Weight        float64 // kg; NaN when absent
	ReferenceTime string  // t_ref of the first slice, ISO 8601 with microseconds; "" when not used
	Rule          string  // which rule gave the factor
	Warnings      []string
}

// Compute returns the SUVbw scale factor of every slice, or an error saying
// why SUV cannot be computed from this header.
func Compute(h Header) (Result, error) {
	if len(h.Slices) == 0 {
		return Result{}, errors.New("no slices")
	}
	r := Result{Units: strings.ToUpper(strings.TrimSpace(h.Units)), DecayTime: math.NaN(), Dose: math.NaN(), Weight: math.NaN()}
	switch {
	case h.NoCorrectionTag:
	case h.HasCorrected:
		if err := checkCorrections(h); err != nil {
			return Result{}, err
		}
	default:
		r.Warnings = append(r.Warnings, "CorrectedImage (0028,0051) absent: attenuation and decay correction assumed")
	}
	weight := h.PatientWeight
	if weight > 1000 {
		weight /= 1000
		r.Warnings = append(r.Warnings, "PatientWeight > 1000 read as grams")
	}
	if weight > 0 {
		r.Weight = weight
	}
	n := len(h.Slices)
	fill := func(f float64) {
		r.Factor = f
		r.Factors = make([]float64, n)
		for i := range r.Factors {
			r.Factors[i] = f
		}
	}
	switch r.Units {
	case "BQML":
		if err := bqml(h, &r); err != nil {
			return Result{}, err
		}
	case "CNTS":
		switch {
		case h.PhilipsSUV != 0:
			if !(h.PhilipsSUV > 0) || math.IsInf(h.PhilipsSUV, 0) {
				return Result{}, fmt.Errorf("Philips SUV scale factor (7053,1000) = %g is not a positive number", h.PhilipsSUV)
			}
			fill(h.PhilipsSUV)
			r.Rule = "Philips SUV scale factor (7053,1000)"
		case h.PhilipsActConc > 0 && !math.IsInf(h.PhilipsActConc, 0):
			if err := bqml(h, &r); err != nil {
				return Result{}, err
			}
			for i := range r.Factors {
				r.Factors[i] *= h.PhilipsActConc
			}
			r.Factor = r.Factors[0]
			r.Rule = "Philips activity concentration scale factor (7053,1009) x " + r.Rule
		default:
			return Result{}, errors.New("Units CNTS without the Philips SUV scale factor (7053,1000) or activity concentration scale factor (7053,1009): counts cannot be converted to SUV")
		}
	case "GML":
		typ := strings.ToUpper(strings.TrimSpace(h.SUVType))
		if typ == "" || typ == "BW" {
			fill(1)
			r.Rule = "GML (SUVbw)"
			break
		}
		x, err := leanMass(typ, weight, h.PatientSize, h.PatientSex)
		if err != nil {
			return Result{}, err
		}
		fill(weight / x)
		r.Rule = "GML SUVType " + typ + " back-converted"
	case "CM2ML":
		hcm, err := heightCM(h.PatientSize)
		if err != nil {
			return Result{}, fmt.Errorf("Units CM2ML (SUVbsa): %w", err)
		}
		if !(weight > 0) {
			return Result{}, errors.New("Units CM2ML (SUVbsa) needs PatientWeight (0010,1030) to convert to SUVbw")
		}
		bsa := 0.007184 * math.Pow(hcm, 0.725) * math.Pow(weight, 0.425) // m², Du Bois
		fill(weight * 1000 / (bsa * 1e4))
		r.Rule = "CM2ML (SUVbsa) back-converted"
	case "":
		return Result{}, errors.New("Units (0054,1001) absent: cannot tell activity (BQML) from counts or SUV")
	default:
		return Result{}, fmt.Errorf("Units (0054,1001) %q cannot be converted to SUV (supported: BQML, CNTS with Philips factors, GML, CM2ML)", h.Units)
	}
	for i, f := range r.Factors {
		if !(f > 0) || math.IsInf(f, 0) {
			return Result{}, fmt.Errorf("SUV factor of slice %d is %g: check PatientWeight, RadionuclideTotalDose and the times", i+1, f)
		}
		if i > 0 && math.Abs(f-r.Factors[0]) > 1e-9*r.Factors[0] && !hasWarning(r.Warnings, warnPerSlice) {
			r.Warnings = append(r.Warnings, warnPerSlice)
		}
	}
	return r, nil
}

const warnPerSlice = "SUV factor differs between slices"

func hasWarning(w []string, s string) bool {
	for _, x := range w {
		if x == s {
			return true
		}
	}
	return false
}

func checkCorrections(h Header) error {
	has := map[string]bool{}
	for _, c := range h.CorrectedImage {
		has[strings.ToUpper(strings.TrimSpace(c))] = true
	}
	if !has["ATTN"] {
		return errors.New("image is not attenuation corrected (CorrectedImage (0028,0051) lacks ATTN): SUV would be meaningless")
	}
	if !has["DECY"] && strings.ToUpper(strings.TrimSpace(h.DecayCorrection)) != "NONE" {
		return errors.New("image is not decay corrected (CorrectedImage (0028,0051) lacks DECY)")
	}
	return nil
}

// bqml sets r's factors to weight_g / decayed dose (Units BQML).
func bqml(h Header, r *Result) error {
	if !(r.Weight > 0) {
		return errors.New("PatientWeight (0010,1030) absent or zero: SUVbw needs the body weight")
	}
	dose := h.TotalDose
	if !(dose > 0) || math.IsInf(dose, 0) {
		return errors.New("RadionuclideTotalDose (0018,1074) absent or zero")
	}
	if dose < 1e5 {
		dose *= 1e6
		r.Warnings = append(r.Warnings, "RadionuclideTotalDose < 1e5 read as MBq")
	}
	r.Dose = dose
	half := h.HalfLife
	if !(half > 0) || math.IsInf(half, 0) {
		return errors.New("RadionuclideHalfLife (0018,1075) absent or zero")
	}
	lambda := math.Ln2 / half
	wg := r.Weight * 1000
	n := len(h.Slices)
	r.Factors = make([]float64, n)
	dc := strings.ToUpper(strings.TrimSpace(h.DecayCorrection))
	switch dc {
	case "ADMIN":
		inj, _, err := injection(h, Moment{}, false)
		if err != nil {
			return err
		}
		for i := range r.Factors {
			r.Factors[i] = wg / dose
		}
		r.Factor = r.Factors[0]
		r.DecayTime = 0
		r.ReferenceTime = inj.Format()
		r.Rule = "ADMIN: no decay"
		return nil
	case "START":
		refs, rule, err := referenceTimes(h, lambda)
		if err != nil {
			return err
		}
		r.Rule = rule
		for i, ref := range refs {
			inj, warn, err := injection(h, ref, true)
			if err != nil {
				return err
			}
			if warn != "" && !hasWarning(r.Warnings, warn) {
				r.Warnings = append(r.Warnings, warn)
			}
			t := ref.Sub(inj)
			if i == 0 {
				r.DecayTime = t
				r.ReferenceTime = ref.Format()
			}
			r.Factors[i] = wg / (dose * math.Exp(-lambda*t))
		}
	case "NONE":
		series, _ := seriesMoment(h)
		r.ReferenceTime = series.Format()
		r.Rule = "NONE: per-frame decay"
		for i, s := range h.Slices {
			acq, ok := acquisition(h, s)
			if !ok {
				return fmt.Errorf("DecayCorrection NONE needs the AcquisitionDate/Time of every slice (slice %d has none)", i+1)
			}
			if !(s.ActualFrameDuration > 0) {
				return fmt.Errorf("DecayCorrection NONE needs ActualFrameDuration (0018,1242) of every slice (slice %d has none)", i+1)
			}
			inj, warn, err := injection(h, acq, true)
			if err != nil {
				return err
			}
			if warn != "" && !hasWarning(r.Warnings, warn) {
				r.Warnings = append(r.Warnings, warn)
			}
			lt := lambda * s.ActualFrameDuration / 1000
			decayed := dose * (1 - math.Exp(-lt)) / lt * math.Exp(-lambda*acq.Sub(inj))
			r.Factors[i] = wg / decayed
		}
	case "":
		return errors.New("DecayCorrection (0054,1102) absent: cannot tell START from ADMIN")
	default:
		return fmt.Errorf("DecayCorrection (0054,1102) %q is not START, ADMIN or NONE", h.DecayCorrection)
	}
	r.Factor = r.Factors[0]
	return nil
}

func seriesMoment(h Header) (Moment, bool) {
	date := h.SeriesDate
	if date == "" && len(h.Slices) > 0 {
		date = h.Slices[0].AcquisitionDate
	}
	d, ok1 := ParseDate(date)
	t, ok2 := ParseTime(h.SeriesTime)
	return Moment{d, t}, ok1 && ok2
}

func acquisition(h Header, s Slice) (Moment, bool) {
	date := s.AcquisitionDate
	if date == "" {
		date = h.SeriesDate
	}
	if d, ok := ParseDate(date); ok {
		if t, ok := ParseTime(s.AcquisitionTime); ok {
			return Moment{d, t}, true
		}
	}
	if s.AcquisitionDateTime != "" {
		return ParseDateTime(s.AcquisitionDateTime)
	}
	return Moment{}, false
}

// referenceTimes returns t_ref of every slice by the QIBA order.
func referenceTimes(h Header, lambda float64) ([]Moment, string, error) {
	n := len(h.Slices)
	acq := make([]Moment, n)
	haveAll := true
	var earliest Moment
	haveAny := false
	for i, s := range h.Slices {
		m, ok := acquisition(h, s)
		acq[i] = m
		if !ok {
			haveAll = false
			continue
		}
		if !haveAny || m.Sub(earliest) < 0 {
			earliest = m
		}
		haveAny = true
	}
	same := func(m Moment) []Moment {
		out := make([]Moment, n)
		for i := range out {
			out[i] = m
		}
		return out
	}
	series, okSeries := seriesMoment(h)
	if okSeries && (!haveAny || series.Sub(earliest) <= 0) {
		return same(series), "SeriesDate/Time", nil
	}
	if ge, ok := ParseDateTime(h.GEScanDateTime); ok && strings.TrimSpace(h.GEScanDateTime) != "" {
		return same(ge), "GE private (0009,100D)", nil
	}
	back := haveAll
	for _, s := range h.Slices {
		if !(s.FrameReferenceTime > 0 && s.ActualFrameDuration > 0) {
			back = false
		}
	}
	if back {
		out := make([]Moment, n)
		for i, s := range h.Slices {
			T := s.ActualFrameDuration / 1000
			lt := lambda * T
			out[i] = acq[i].Add(math.Log(lt/(1-math.Exp(-lt)))/lambda - s.FrameReferenceTime/1000)
		}
		return out, "back-computed from AcquisitionTime, FrameReferenceTime, ActualFrameDuration", nil
	}
	if haveAny {
		return same(earliest), "earliest AcquisitionDate/Time", nil
	}
	return nil, "", errors.New("no usable SeriesDate/SeriesTime or AcquisitionDate/AcquisitionTime for the decay correction")
}

// injection returns the injection time: RadiopharmaceuticalStartDateTime, or
// RadiopharmaceuticalStartTime on the date of ref (the previous day if that
// would be after ref).
func injection(h Header, ref Moment, haveRef bool) (Moment, string, error) {
	if strings.TrimSpace(h.StartDateTime) != "" {
		if m, ok := ParseDateTime(h.StartDateTime); ok && len(strings.TrimSpace(h.StartDateTime)) > 8 {
			return m, "", nil
		}
	}
	t, ok := ParseTime(h.StartTime)
	if !ok {
		return Moment{}, "", errors.New("RadiopharmaceuticalStartDateTime (0018,1078) and RadiopharmaceuticalStartTime (0018,1072) absent or unreadable: injection time unknown")
	}
	if !haveRef {
		m, ok := seriesMoment(h)
		if !ok {
			if d, ok2 := ParseDate(h.SeriesDate); ok2 {
				m = Moment{d, 0}
			} else if len(h.Slices) > 0 {
				if a, ok3 := acquisition(h, h.Slices[0]); ok3 {
					m = a
				}
			}
		}
		ref = m
	}
	inj := Moment{ref.Day, t}
	if inj.Sub(ref) > 0 && haveRef {
		inj.Day--
		return inj, "RadiopharmaceuticalStartTime after scan time: injection taken on the previous day", nil
	}
	return inj, "", nil
}

// heightCM reads PatientSize (m; a value > 3 is read as cm) in cm.
func heightCM(size float64) (float64, error) {
	if !(size > 0) || math.IsInf(size, 0) {
		return 0, errors.New("PatientSize (0010,1020) absent: the conversion needs the height")
	}
	if size > 3 {
		return size, nil
	}
	return size * 100, nil
}

// leanMass returns the mass X (kg) an SUV of this type was normalised by,
// per the IBSI SUV manual: James (LBM, LBMJAMES128), Janmahasatian
// (LBMJANMA), ideal body weight (IBW); PatientSex O uses the mean of the
// male and female values.
func leanMass(typ string, w, size float64, sex string) (float64, error) {
	if !(w > 0) {
		return 0, fmt.Errorf("SUVType %s needs PatientWeight (0010,1030) to convert to SUVbw", typ)
	}
	h, err := heightCM(size)
	if err != nil {
		return 0, fmt.Errorf("SUVType %s: %w", typ, err)
	}
	var male, female float64
	switch typ {
	case "LBM", "LBMJAMES128":
		male = 1.10*w - 128*(w/h)*(w/h)
		female = 1.07*w - 148*(w/h)*(w/h)
	case "LBMJANMA":
		bmi := w / ((h / 100) * (h / 100))
		male = 9270 * w / (6680 + 216*bmi)
		female = 9270 * w / (8780 + 244*bmi)
	case "IBW":
		male = 48.0 + 1.06*(h-152)
		female = 45.5 + 0.91*(h-152)
	default:
		return 0, fmt.Errorf("SUVType (0054,1006) %q is not supported (BW, LBM, LBMJAMES128, LBMJANMA, IBW, or Units CM2ML for BSA)", typ)
	}
	var x float64
	switch strings.ToUpper(strings.TrimSpace(sex)) {
	case "M":
		x = male
	case "F":
		x = female
	case "O":
		x = (male + female) / 2
	default:
		return 0, fmt.Errorf("SUVType %s needs PatientSex (0010,0040) M, F or O (got %q)", typ, sex)
	}
	if !(x > 0) {
		return 0, fmt.Errorf("SUVType %s gives a non-positive mass %.3g kg for weight %g kg and height %g cm", typ, x, w, h)
	}
	return x, nil
}
