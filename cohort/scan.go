package cohort

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"

	"carimpi/internal/jsonx"
	"carimpi/record"
	"carimpi/stattest"
)

// ScanFile validates the cohort file at path (CSV, or XLSX by its
// extension) as LoadFile does, but row by row: fn gets each accepted record
// in file order (it must copy what it keeps: rec is reused), and with
// Options.MaxListed the report holds a bounded list. Memory does not grow
// with the file but for the patient ids seen (duplicates are checked; about
// 35 bytes an id, see idSet) and,
// with Options.ExcludeTopMTV, one number per accepted row.
//
// The checks that need the whole file make it read more than once: first
// the values of the event columns (their coding, 0/1 or R's 1/2), then
// the rows are checked and streamed; with the outlier rule a third pass
// streams the rows under the MTV threshold, the outliers being listed after
// the other excluded rows. A column's median for the unit check is taken
// from up to 2 unitSample values of it (every value in files of up to
// that many rows, as LoadFile).
func ScanFile(path string, opts Options, fn func(rec *record.Record) error) (*Report, error) {
	if err := checkOptions(opts); err != nil {
		return nil, err
	}
	quiet := opts
	quiet.MaxListed, quiet.OnProblem, quiet.OnExcluded = 1, nil, nil
	// Pass 1: the event codes present.
	codes := map[record.Field]map[float64]bool{record.PFSEvent: {}, record.OSEvent: {}}
	if _, err := scanPass(path, quiet, func(_ *loader, rec *record.Record, _, _ int) error {
		for f, seen := range codes {
			if v := f.Float(rec); !math.IsNaN(v) {
				seen[v] = true
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	coding := map[record.Field]record.EventCoding{}
	for f, seen := range codes {
		v := make([]float64, 0, len(seen))
		for x := range seen {
			v = append(v, x)
		}
		c, err := record.ResolveEvents(f, v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
		coding[f] = c
	}
	// recheck resolves the events of an accepted record and applies the
	// row-level checks; it reports whether the record stays.
	recheck := func(l *loader, rec *record.Record, row, line int, report bool) bool {
		for _, f := range []record.Field{record.PFSEvent, record.OSEvent} {
			if coding[f] == record.EventsR12 {
				if v := f.Float(rec); !math.IsNaN(v) {
					f.SetFloat(rec, v-1)
				}
			}
		}
		keep := true
		l.checkRow(rec, func(p Problem) {
			if report {
				keep = !l.report(row, line, rec, p) && keep
			} else if p.Action == ActionExcluded {
				keep = false
			}
		})
		return keep
	}
	// Pass 2: every row checked, reported and (without the outlier rule)
	// streamed.
	samples := map[record.Field]*sample{}
	var mtv []float64
	top := opts.ExcludeTopMTV
	l, err := scanPass(path, opts, func(l *loader, rec *record.Record, row, line int) error {
		if !recheck(l, rec, row, line, true) {
			return nil
		}
		l.kept++
		for _, col := range l.h.Columns {
			if f := col.Field; f >= 0 && f.Kind() == record.Number {
				if v := f.Float(rec); !math.IsNaN(v) {
					s := samples[f]
					if s == nil {
						s = &sample{stride: 1}
						samples[f] = s
					}
					s.add(v)
				}
			}
		}
		if top > 0 {
			mtv = append(mtv, rec.MTV)
			return nil
		}
		return fn(rec)
	})
	if err != nil {
		return nil, err
	}
	for _, f := range []record.Field{record.PFSEvent, record.OSEvent} {
		if coding[f] == record.EventsR12 {
			l.noteR12(f)
		}
	}
	l.unitCheck(func(f record.Field) []float64 {
		if s := samples[f]; s != nil {
			return s.v
		}
		return nil
	})
	rep := l.rep
	rep.Rows = l.rows
	rep.Accepted = l.kept
	slices.SortStableFunc(rep.Problems, func(a, b Problem) int { return a.Row - b.Row })
	if top == 0 {
		return rep, nil
	}
	// Pass 3: the rows under the MTV threshold.
	rep.ExcludeTopMTV, rep.MTVQuantile = top, 1-top
	if len(mtv) == 0 {
		return rep, nil
	}
	q := stattest.Quantile(mtv, 1-top)
	mtv = nil
	rep.MTVThreshold = jsonx.Float(q)
	if _, err := scanPass(path, quiet, func(l *loader, rec *record.Record, row, line int) error {
		if !recheck(l, rec, row, line, false) {
			return nil
		}
		if rec.MTV > q {
			rep.addExcluded(outlier(row, line, rec, top, q))
			rep.ExcludedOutliers++
			rep.Accepted--
			return nil
		}
		return fn(rec)
	}); err != nil {
		return nil, err
	}
	return rep, nil
}

// scanPass streams the rows of the file at path through a loader whose
// accepted records go to accept.
func scanPass(path string, opts Options, accept func(l *loader, rec *record.Record, row, line int) error) (*loader, error) {
	rd, err := record.Open(path, opts.Options)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	l := newLoader(rd, opts)
	l.accept = func(rec *record.Record, row, line int) error { return accept(l, rec, row, line) }
	if err := record.Stream(rd, 0, nil, func(row *record.Row, _ *struct{}) error { return l.commit(row) }); err != nil {
		return nil, err
	}
	return l, nil
}

// unitSample is how many values of a column ScanFile keeps for the unit
// check's median.
const unitSample = 1 << 16

// sample keeps every stride-th value offered, halving itself (and doubling
// the stride) when full: a deterministic, evenly spread sample.
type sample struct {
	v      []float64
	stride int
	seen   int
}

func (s *sample) add(v float64) {
	s.seen++
	if s.seen%s.stride != 0 {
		return
	}
	s.v = append(s.v, v)
	if len(s.v) == 2*unitSample {
		for j := range unitSample {
			s.v[j] = s.v[2*j+1]
		}
		s.v = s.v[:unitSample]
		s.stride *= 2
	}
}
