package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"carimpi/imaging/mtv"
	"carimpi/imaging/nifti"
	"carimpi/internal/jsonx"
	"carimpi/internal/outfile"
	"carimpi/internal/textsafe"
	"carimpi/table"
)

func init() { register(newMTVCmd()) }

func newMTVCmd() *Command {
	fs := flag.NewFlagSet("mtv", flag.ContinueOnError)
	var in struct{ dicom, nifti, sidecar, batch, out string }
	var opt mtv.Options
	var maskOut, mipOut, format string
	fs.StringVar(&in.dicom, "dicom", "", "`directory` holding one PET DICOM series (at any depth)")
	fs.StringVar(&in.nifti, "nifti", "", "PET image `F.nii[.gz]`")
	fs.StringVar(&in.sidecar, "sidecar", "", "JSON sidecar `F.json` of the NIfTI image (dcm2niix or BIDS-PET names; default: the image's name with .json)")
	fs.StringVar(&opt.Method, "method", "suv4", "segmentation: suv4, suv2.5, pct41 or abs:X")
	fs.Float64Var(&opt.Preselect, "preselect", 2.5, "pct41: SUV of the preselection mask")
	fs.Float64Var(&opt.MinVolumeML, "min-volume-ml", 0, "drop lesions smaller than `V` mL")
	wholeOf(fs, &opt.Connectivity, "connectivity", 26, []int{6, 18, 26}, "voxel `connectivity`")
	fs.StringVar(&opt.ExcludeMask, "exclude-mask", "", "NIfTI `mask` of voxels to remove before labelling (non-zero = excluded)")
	fs.StringVar(&opt.ROIMask, "roi-mask", "", "NIfTI `mask` of a reference region: SUV min, median and max in \"roi\"")
	fs.StringVar(&opt.Review, "review", "", "JSON `file` of lesion ids to drop ([3,5] or {\"drop\":[...]}) or keep ({\"keep\":[...]})")
	fs.StringVar(&maskOut, "mask-out", "", "write the lesion labels as NIfTI uint16 `F.nii.gz`")
	fs.StringVar(&mipOut, "mip", "", "write coronal and sagittal MIPs with lesion outlines as `F.png`")
	fs.StringVar(&format, "format", "table", "output format: table or json")
	fs.StringVar(&in.batch, "batch", "", "`directory` of many PET series (any depth): one CSV row per series")
	fs.StringVar(&in.out, "out", "", "batch: CSV `file` to write (default: standard output)")
	c := &Command{
		Name:      "mtv",
		UsageLine: "mtv --dicom DIR | --nifti F.nii[.gz] [--sidecar F.json] [--method suv4|suv2.5|pct41|abs:X] [flags] | mtv --batch DIR [--out mtv.csv]",
		Short:     "metabolic tumour volume from a PET scan: SUV, lesions, MTV, TLG, SUVpeak, Dmax",
		Long: `Mtv reads a PET series (DICOM, or NIfTI with a JSON sidecar), converts it to
SUVbw (g/mL) with the DICOM PET rules, segments the tumour and measures it.

SUV: Units BQML (decay-corrected to injection: the reference time in the
QIBA order SeriesDate/Time if not after the earliest acquisition, GE's
(0009,100D), the frame back-computation, the earliest acquisition), CNTS
with Philips (7053,1000) or (7053,1009), GML (SUVbw; LBM, LBMJANMA, IBW
converted back), CM2ML (Du Bois BSA); per-slice rescale; signed pixels.
Compressed and enhanced multi-frame files are refused with the command that
converts them.

Methods: suv4 (SUV >= 4.0), suv2.5, abs:X (SUV >= X), pct41 (components of
SUV >= --preselect, each cut at 41% of its own SUVmax). Lesions are
26-connected by default, ordered by descending volume then by their first
voxel in z, y, x order. SUVpeak is the highest mean SUV in a 1 mL sphere
(radius 6.2035 mm) centred on a lesion voxel; Dmax the largest distance
between lesion centroids.

JSON output (--format json):

	{"patient_id", "series_uid", "method", "threshold", "connectivity",
	 "suv": {"units", "factor", "decay_time_s", "dose_bq", "weight_kg",
	         "reference_time", "rule", "warnings": []},
	 "voxel_ml", "tmtv_ml", "tlg", "suvmax", "suvmean", "suvpeak",
	 "n_lesions", "dmax_mm", "lesions": [{"id", "voxels", "volume_ml",
	 "suvmax", "suvmean", "suvpeak", "tlg", "centroid_mm": [x, y, z]}],
	 "dropped_min_volume", "roi": {"voxels", "suvmin", "suvmedian", "suvmax"},
	 "warnings": [], "notice"}

"roi" appears with --roi-mask, "preselect" with pct41, "review" with
--review. Without lesions tmtv_ml is 0 and the SUV statistics are null.
Centroids are patient LPS millimetres.

--batch DIR finds every series under DIR, grouped by PatientID and
SeriesInstanceUID, skips non-PET series (counted), and writes one CSV row per
PET series: ` + strings.Join(mtv.Columns, ", ") + `
(mtv_method SUV4 or 41pct, as the cohort data dictionary names them). A
failing series is reported in its row's error column and the batch goes on.
Progress goes to standard error.

` + researchNotice,
		Flags: fs,
	}
	c.Run = func(stdout, stderr io.Writer) error {
		defer resetFlags(fs)
		if err := checkFormat(format, "table", "json"); err != nil {
			return err
		}
		n := 0
		for _, s := range []string{in.dicom, in.nifti, in.batch} {
			if s != "" {
				n++
			}
		}
		if n != 1 {
			return usagef("give exactly one of --dicom DIR, --nifti F.nii[.gz] or --batch DIR")
		}
		if err := opt.Check(); err != nil {
			return usagef("%v", err)
		}
		inputs := []string{in.dicom, in.nifti, in.sidecar, in.batch, opt.ExcludeMask, opt.ROIMask, opt.Review}
		if in.batch != "" {
			if maskOut != "" || mipOut != "" {
				return usagef("--mask-out and --mip belong to one series: run them without --batch")
			}
			if format == "json" {
				return usagef("--batch writes CSV (to --out or standard output); run one series for JSON")
			}
			return runMTVBatch(in.batch, in.out, opt, stdout, stderr, inputs)
		}
		if in.out != "" {
			return usagef("--out is for --batch; a single series prints its result (redirect it, or use --format json)")
		}
		if in.sidecar != "" && in.nifti == "" {
			return usagef("--sidecar goes with --nifti")
		}
		for _, o := range []string{maskOut, mipOut} {
			if o != "" {
				if err := outfile.CheckInputs(o, inputs...); err != nil {
					return err
				}
			}
		}
		var img *mtv.Image
		var err error
		if in.dicom != "" {
			img, err = mtv.LoadDICOM(in.dicom)
		} else {
			img, err = mtv.LoadNIfTI(in.nifti, in.sidecar)
		}
		if err != nil {
			return err
		}
		res, lab, err := mtv.Run(img, opt)
		if err != nil {
			return err
		}
		if maskOut != "" {
			if err := outfile.Write(maskOut, func(w io.Writer) error { return mtv.WriteMask(w, img, lab, nifti.IsGzip(maskOut)) }, inputs...); err != nil {
				return err
			}
		}
		if mipOut != "" {
			if err := outfile.Write(mipOut, func(w io.Writer) error { return mtv.WriteMIP(w, img, lab) }, inputs...); err != nil {
				return err
			}
		}
		res.Notice = researchNotice
		if format == "json" {
			return jsonx.Write(stdout, res)
		}
		return writeMTVTable(stdout, res)
	}
	return c
}

func writeMTVTable(w io.Writer, r *mtv.Result) error {
	f := func(v jsonx.Float) string {
		if x := float64(v); x == x {
			return strconv.FormatFloat(x, 'f', 2, 64)
		}
		return "NA"
	}
	str := func(s *string) string {
		if s == nil {
			return "-"
		}
		return *s
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "PET series %s (patient %s)\n", str(r.SeriesUID), str(r.PatientID))
	fmt.Fprintf(bw, "SUV: units %s, factor %.6g (%s)\n", r.SUV.Units, float64(r.SUV.Factor), r.SUV.Rule)
	fmt.Fprintf(bw, "method %s (mtv_method %s), connectivity %d, voxel %.4g mL\n", r.Method, mtv.MethodCode(r.Method), r.Conn, float64(r.VoxelML))
	fmt.Fprintf(bw, "MTV %s mL   TLG %s   SUVmax %s   SUVmean %s   SUVpeak %s   lesions %d   Dmax %s mm\n\n",
		f(r.TMTV), f(r.TLG), f(r.SUVmax), f(r.SUVmean), f(r.SUVpeak), r.NLesions, f(r.Dmax))
	if len(r.Lesions) > 0 {
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "id\tvoxels\tvolume mL\tSUVmax\tSUVmean\tSUVpeak\tTLG\tcentroid x, y, z (LPS mm)\t")
		for _, l := range r.Lesions {
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t%.1f, %.1f, %.1f\t\n", l.ID, l.Voxels, f(l.VolumeML), f(l.SUVmax), f(l.SUVmean),
				f(l.SUVpeak), f(l.TLG), l.Centroid[0], l.Centroid[1], l.Centroid[2])
		}
		tw.Flush()
		fmt.Fprintln(bw)
	}
	if r.ROI != nil {
		fmt.Fprintf(bw, "ROI: %d voxels, SUV min %s, median %s, max %s\n", r.ROI.Voxels, f(r.ROI.SUVmin), f(r.ROI.SUVmedian), f(r.ROI.SUVmax))
	}
	for _, s := range append(append([]string{}, r.SUV.Warnings...), r.Warnings...) {
		fmt.Fprintf(bw, "warning: %s\n", s)
	}
	fmt.Fprintln(bw, r.Notice)
	return bw.Flush()
}

func runMTVBatch(dir, out string, opt mtv.Options, stdout, stderr io.Writer, inputs []string) error {
	if fi, err := os.Stat(dir); err != nil {
		return err
	} else if !fi.IsDir() {
		return usagef("--batch %s is not a directory", dir)
	}
	w := stdout
	if out != "" {
		f, err := outfile.Create(out, inputs...)
		if err != nil {
			return err
		}
		defer f.Abort()
		w = f
		if err := batchTo(f, dir, opt, stderr); err != nil {
			return err
		}
		return f.Commit()
	}
	return batchTo(w, dir, opt, stderr)
}

func batchTo(w io.Writer, dir string, opt mtv.Options, stderr io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.Write(table.AppendRecord(nil, mtv.Columns))
	begin := time.Now()
	fmt.Fprintf(stderr, "carimpi mtv: scanning %s\n", dir)
	total := 0
	sum, err := mtv.Batch(dir, opt, func(n int) {
		total = n
		fmt.Fprintf(stderr, "carimpi mtv: %d PET series found in %.1f s\n", n, time.Since(begin).Seconds())
	}, func(done int, row mtv.Row) error {
		if _, err := bw.Write(row.AppendRecord(nil, opt.Method)); err != nil {
			return err
		}
		el := time.Since(begin).Seconds()
		status := "ok"
		if row.Err != nil {
			status = "failed (see its row)"
		}
		left := el / float64(done) * float64(total-done)
		fmt.Fprintf(stderr, "carimpi mtv: %d/%d series done (this one %s); elapsed %.1f s, about %.1f s left\n", done, total, status, el, left)
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "carimpi mtv: %d PET series, %d failed; %d non-PET series and %d non-DICOM files skipped; %.1f s\n",
		sum.Series, sum.Failed, sum.NonPET, sum.OtherFiles, time.Since(begin).Seconds())
	if len(sum.Unreadable) > 0 {
		fmt.Fprintf(stderr, "carimpi mtv: %d DICOM files could not be read and belong to no row; first: %s\n",
			len(sum.Unreadable), textsafe.Terminal(sum.Unreadable[0].Error()))
	}
	return bw.Flush()
}
