package cohort

import (
	"iter"
	"math"

	"carimpi/record"
)

// Cohort is a set of accepted patient records. It holds them by field
// (see column), about 110 bytes a patient of a simulated cohort rather
// than a record.Record's 528, so that a registry of 5e5 patients fits in
// a few tens of MB; Record returns one as a record.Record.
type Cohort struct {
	Source string

	n    int
	cols [record.NumFields]column // the patient id's is unused: ids are kept in id
	// id holds the patient ids one after another, id i ending at idEnd[i]:
	// one allocation for all of them, and none keeps a row's text alive.
	id    []byte
	idEnd []int

	rows, lines []int32 // data row and file line of each record (nil when not read from a file)
	released    bool    // Release freed the ids and rows
}

// Len returns the number of records.
func (c *Cohort) Len() int { return c.n }

// Record returns record i.
func (c *Cohort) Record(i int) record.Record {
	r := record.New(c.patientID(i))
	c.fill(i, &r)
	return r
}

// All yields every record with its index, in order.
func (c *Cohort) All() iter.Seq2[int, record.Record] {
	return func(yield func(int, record.Record) bool) {
		for i := range c.n {
			if !yield(i, c.Record(i)) {
				return
			}
		}
	}
}

// fill sets every field but the patient id of r from record i.
func (c *Cohort) fill(i int, r *record.Record) {
	for f := record.PatientID + 1; f < record.NumFields; f++ {
		col := &c.cols[f]
		if f.IsText() {
			f.SetStr(r, col.text(i))
		} else if col.width != 0 { // else missing, as New made it
			f.SetFloat(r, col.at(i))
		}
	}
}

func (c *Cohort) patientID(i int) string {
	if c.released {
		panic("cohort: released patient ids read")
	}
	start := 0
	if i > 0 {
		start = c.idEnd[i-1]
	}
	return string(c.id[start:c.idEnd[i]])
}

// Append adds a record (not read from a file: Row gives 0, 0 for it).
func (c *Cohort) Append(r *record.Record) {
	c.add(r)
	if c.rows != nil {
		c.rows, c.lines = append(c.rows, 0), append(c.lines, 0)
	}
}

// add appends r.
func (c *Cohort) add(r *record.Record) {
	c.n++
	c.id = append(c.id, r.PatientID...)
	c.idEnd = append(c.idEnd, len(c.id))
	for f := record.PatientID + 1; f < record.NumFields; f++ {
		if f.IsText() {
			c.cols[f].pushText(f.Str(r))
		} else {
			c.cols[f].push(f.Float(r))
		}
	}
}

// addRead appends a record read from a data row and file line.
func (c *Cohort) addRead(r *record.Record, row, line int) {
	c.add(r)
	c.rows = append(c.rows, int32(row))
	c.lines = append(c.lines, int32(line))
}

// set replaces the fields of record i that differ in r (not the id).
func (c *Cohort) set(i int, r *record.Record) {
	for f := record.PatientID + 1; f < record.NumFields; f++ {
		col := &c.cols[f]
		if f.IsText() {
			if s := f.Str(r); s != col.text(i) {
				col.setText(i, s)
			}
		} else if v := f.Float(r); math.Float64bits(v) != math.Float64bits(col.at(i)) {
			col.set(i, v)
		}
	}
}

// keep keeps the records whose index is in idx (increasing), in order.
func (c *Cohort) keep(idx []int) {
	var id []byte
	ends := c.idEnd[:0]
	for _, i := range idx {
		start := 0
		if i > 0 {
			start = c.idEnd[i-1]
		}
		// In place: record i's id starts at or after the kept ids' end.
		id = append(c.id[:len(id)], c.id[start:c.idEnd[i]]...)
		ends = append(ends, len(id))
	}
	c.id, c.idEnd = id, ends
	for f := range c.cols {
		c.cols[f].keep(idx)
	}
	if c.rows != nil {
		for j, i := range idx {
			c.rows[j], c.lines[j] = c.rows[i], c.lines[i]
		}
		c.rows, c.lines = c.rows[:len(idx)], c.lines[:len(idx)]
	}
	c.n = len(idx)
}

// trim drops the unused capacity that appending the records left.
func (c *Cohort) trim() {
	for f := range c.cols {
		c.cols[f].trim()
	}
	c.id, c.idEnd, c.rows, c.lines = exact(c.id), exact(c.idEnd), exact(c.rows), exact(c.lines)
}

// Release frees the values of every field but those named, and the
// patients' ids and file rows, for an owner that reads no other field
// from now on (the study of a registry keeps the columns of its analyses
// once the scores are computed: the other laboratory values and the ids
// are a third of a cohort). Reading a released field, id or row panics:
// a released value is not a missing one. It panics if a name is not a
// dictionary field.
func (c *Cohort) Release(keep ...string) {
	kept := make(map[record.Field]bool, len(keep))
	for _, name := range keep {
		f, ok := record.Lookup(name)
		if !ok {
			panic("cohort: Release of unknown field " + name)
		}
		kept[f] = true
	}
	for f := record.PatientID + 1; f < record.NumFields; f++ {
		if !kept[f] {
			c.cols[f] = column{width: released, n: c.n}
		}
	}
	c.id, c.idEnd, c.rows, c.lines, c.released = nil, nil, nil, nil, true
}

// Simulated reports whether any record is synthetic; every output made
// from such a cohort must carry SimulatedNotice.
func (c *Cohort) Simulated() bool {
	col := &c.cols[record.Simulated]
	for i := range c.n {
		if col.at(i) == 1 {
			return true
		}
	}
	return false
}

// Row returns the 1-based data row and the file line that record i was
// read from (0, 0 for a cohort not read from a file).
func (c *Cohort) Row(i int) (row, line int) {
	if c.released {
		panic("cohort: released rows read")
	}
	if c.rows == nil {
		return 0, 0
	}
	return int(c.rows[i]), int(c.lines[i])
}

// Names returns the distinct values of the cohort column in order of first
// appearance ("" for records without one).
func (c *Cohort) Names() []string {
	var out []string
	seen := map[string]bool{}
	col := &c.cols[record.Cohort]
	for i := range c.n {
		if n := col.text(i); !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// Subset returns the records whose cohort column equals name, in file
// order (records are copied; rows and lines kept).
func (c *Cohort) Subset(name string) *Cohort {
	out := &Cohort{Source: c.Source}
	col := &c.cols[record.Cohort]
	for i := range c.n {
		if col.text(i) != name {
			continue
		}
		r := c.Record(i)
		out.add(&r)
		if c.rows != nil {
			out.rows, out.lines = append(out.rows, c.rows[i]), append(out.lines, c.lines[i])
		}
	}
	return out
}

// Split returns one cohort per value of the cohort column, in the order of
// Names.
func (c *Cohort) Split() []*Cohort {
	names := c.Names()
	out := make([]*Cohort, len(names))
	for i, n := range names {
		out[i] = c.Subset(n)
	}
	return out
}

// Floats returns a numeric field of every record (NaN where missing). It
// panics if name is not a numeric dictionary field: the name is the
// caller's, not the user's.
func (c *Cohort) Floats(name string) []float64 {
	col := c.numeric(name)
	out := make([]float64, c.n)
	for i := range out {
		out[i] = col.at(i)
	}
	return out
}

// Pick returns a numeric field of the records idx, in that order (NaN
// where missing), as Floats does for every record.
func (c *Cohort) Pick(name string, idx []int) []float64 {
	col := c.numeric(name)
	out := make([]float64, len(idx))
	for k, i := range idx {
		out[k] = col.at(i)
	}
	return out
}

// Column returns value i of a numeric field (NaN where missing), read
// from the cohort as asked, without a copy of the column.
func (c *Cohort) Column(name string) func(i int) float64 { return c.numeric(name).at }

// numeric returns the column of a numeric field; it panics if name is not
// one.
func (c *Cohort) numeric(name string) *column {
	f, ok := record.Lookup(name)
	if !ok || f.IsText() {
		panic("cohort: Floats of unknown or text field " + name)
	}
	return &c.cols[f]
}

// Text returns text value i of a text field ("" where missing), read from
// the cohort as asked, without a copy of the column.
func (c *Cohort) Text(name string) func(i int) string {
	f, ok := record.Lookup(name)
	if !ok || !f.IsText() {
		panic("cohort: Text of unknown or numeric field " + name)
	}
	if f == record.PatientID {
		return c.patientID
	}
	return c.cols[f].text
}

// Texts returns a text field of every record ("" where missing). It panics
// if name is not a text dictionary field.
func (c *Cohort) Texts(name string) []string {
	f, ok := record.Lookup(name)
	if !ok || !f.IsText() {
		panic("cohort: Texts of unknown or numeric field " + name)
	}
	out := make([]string, c.n)
	if f == record.PatientID {
		for i := range out {
			out[i] = c.patientID(i)
		}
		return out
	}
	col := &c.cols[f]
	for i := range out {
		out[i] = col.text(i)
	}
	return out
}

// Has reports whether any record has a value for the named field.
func (c *Cohort) Has(name string) bool {
	f, ok := record.Lookup(name)
	if !ok {
		return false
	}
	if f == record.PatientID {
		return len(c.id) > 0
	}
	col := &c.cols[f]
	for i := range c.n {
		if v := col.at(i); !math.IsNaN(v) && (f != record.Simulated || v == 1) {
			return true
		}
	}
	return false
}
