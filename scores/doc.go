// Package scores computes the published prognostic indices of large B-cell
// lymphoma patients receiving CD19 CAR T-cell therapy: IMPI, CAR-IMPI,
// CAR-HEMATOTOX, InflaMix, the combined radio-inflammatory groups of the
// CAR-IMPI paper, IPI, R-IPI, NCCN-IPI, EASIX and m-EASIX.
//
// Every index is a model value (Info: id, version, citation with DOI,
// inputs with units and valid ranges, rule, groups, notes), so that what a
// number means travels with it. IMPI and CAR-IMPI are CoxModel values; a
// model fitted by "carimpi study" is the same type, written and read with
// Save and Load (see CoxModel for the file format).
//
// The data path is
//
//	cells or flags ──► Patient (canonical units, NaN = missing) ──► Scorer.Score ──► Result ──► Result.Row
//
// Result is the detailed form (points or terms per index, inputs that could
// not be used and why, warnings, model versions); Row is the flat form that
// "carimpi batch" writes and the HTTP API returns, built only from Result,
// so that the two can never disagree. Scorer.Batch (CSV) and
// Scorer.BatchRows (any RowSource, e.g. an XLSX sheet) stream a table
// through the same path with bounded memory, in parallel, keeping the
// input order.
//
// Units are declared, never guessed: a Patient holds canonical units (CRP
// mg/dL, Hb g/dL, platelets and ANC 10^9/L, ferritin ng/mL, LDH U/L,
// creatinine mg/dL, MTV mL); Units and Field.Convert convert at the edge,
// and Patient.Check flags a value that looks like another unit with the
// fix (CRP 45 mg/dL: "if it is in mg/L, that is 4.5 mg/dL").
//
// For research use only; not a medical device.
package scores
