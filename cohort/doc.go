// Package cohort is the study's view of a patient file: Load reads a CSV
// or XLSX cohort through package record (the one data dictionary, column
// map, units and streaming reader of every command) and applies the
// CAR-IMPI study's rules, writing a validation report in which every row
// is either accepted or listed as excluded with its reason. It also
// exports cohorts to CSV and XLSX and simulates a synthetic cohort
// calibrated to the paper (Winkelmann et al., Blood Cancer J
// 2025;15:144), embedded as the default data set.
//
// The data's path is
//
//	file ──► record.Reader (map columns, convert units, read codes, dates and numbers: one reading for every command)
//	     ──► per-row rules (CAR-IMPI inputs present, duplicate ids, event without time, OS shorter than PFS)
//	     ──► per-column rules (event coding 0/1 or R's 1/2, a median that looks like another unit)
//	     ──► optional exclusion of the top MTV quantile (the paper's outliers)
//	     ──► *Cohort of accepted records + *Report
//
// A value that cannot be right is an error: for age, stage or MTV (the
// inputs of CAR-IMPI) the row is excluded, otherwise the value is set
// missing; either way the report names row, line, column, value and the
// likely fix. Options.Strict stops at the first such error instead.
//
// Simulated data carry the column simulated = 1 in every row, and reports
// made from them say "simulated — not patient data".
package cohort
