// Package cohort is carimpi's patient record: the data dictionary of the
// CAR-IMPI study, import from CSV and XLSX with a column map and declared
// units, a validation report in which every row is either accepted or
// listed as excluded with its reason, export to CSV and XLSX, and a
// synthetic cohort calibrated to the paper (Winkelmann et al., Blood Cancer
// J 2025;15:144), embedded as the default data set.
//
// The data's path is
//
//	file ──► Scan/Load (map columns, convert units, parse codes and dates)
//	     ──► per-row checks (ranges, impossible combinations, duplicate ids)
//	     ──► per-column checks (a median that looks like another unit)
//	     ──► optional exclusion of the top MTV quantile (the paper's outliers)
//	     ──► *Cohort of accepted records + *Report
//
// Units are declared, never guessed: every column is read in the unit its
// Field names (CRP in mg/dL, Hb in g/dL, counts in 10^9/L, times in months)
// unless Options.Units declares another, and a column whose values look
// like a different unit is flagged with the likely fix, never silently
// rescaled.
//
// Missing values are NaN in numeric fields and "" in text fields.
//
// Simulated data carry the column simulated = 1 in every row, and reports
// made from them say "simulated — not patient data".
package cohort
