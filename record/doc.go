// Package record is carimpi's patient record: the one data dictionary (the
// field table: names, kinds, canonical units, accepted units and their
// conversions, possible and plausible ranges, codes, one-line
// descriptions), the one reading of a value (Column.Read, Field.Parse),
// the one header matcher with its column map (NewHeader, ReadMap), the one
// --units parser (ParseUnits) and the one streaming reader of CSV and XLSX
// files (Reader, Stream). validate, study, score, batch, serve (API, OpenAPI
// document and web form), simulate and export all use it, so that a value
// reads the same way, with the same message, whatever the entry point.
//
// # Data dictionary
//
// One row per patient. Kinds: text, category (codes), number (in the
// canonical unit), integer, binary (0/1). "possible" is the range outside
// which a value is an error (not used: the field is missing and only the
// indices that need it are unavailable); "plausible" the range outside
// which it is used with a warning naming the likely unit mix-up.
//
//	column              kind      unit        possible        plausible     description
//	patient_id          text                                                patient identifier (the row number when absent)
//	cohort              text                                                cohort name, e.g. development, validation
//	center              text                                                treating center
//	age                 number    years       0-120           18-100        age at infusion (CAR-IMPI input)
//	sex                 category                                            female, male (f/m, w, weiblich, ...)
//	stage               integer               1-4                           Ann Arbor stage (CAR-IMPI input); I-IV, suffixes A/B/E/S/X dropped with a note
//	mtv_ml              number    mL          0-100000        0-10000       metabolic tumour volume (CAR-IMPI input); also cm3, cc, L
//	mtv_method          category                                            SUV4 or 41pct
//	ecog                integer               0-4                           ECOG performance status
//	product             category                                            axi-cel, tisa-cel, liso-cel (brand names read; others kept)
//	prior_lines         integer               0-20            0-10          prior systemic lines
//	bridging, primary_refractory, bulky, prior_auto_hct, transformed, double_hit
//	                    binary                                              0/1 flags (yes/no, TRUE/FALSE, ja/nein read)
//	extranodal_sites    integer               0-30            0-10          extranodal sites (IPI)
//	nccn_extranodal     binary                                              bone marrow, CNS, liver/GI or lung (NCCN-IPI)
//	ldh, ldh_uln        number    U/L         0-1e5           50-20000      also IU/L, ukat/L (x60); default ULN 250
//	crp, crp_uln        number    mg/dL       0-100           0-40          also mg/L (x0.1); default ULN 0.3
//	ferritin, _uln      number    ng/mL       0-1e6           1-100000      also ug/L; default ULN 415
//	hb, hb_uln          number    g/dL        (0)-25          4-20          also g/L (x0.1), mmol/L (x1.6114); default ULN 16.2
//	plt, plt_uln        number    10^9/L      0-5000          0-2000        also 10^3/uL, G/L, Gpt/L, /nL, /uL (x0.001); default ULN 400
//	anc                 number    10^9/L      0-300           0-100         same units as plt
//	albumin, _uln       number    g/dL        0-10            1-6.5         also g/L; default ULN 5.0
//	alp, alp_uln        number    U/L         0-1e5           5-5000        InflaMix "alk"; default ULN 130
//	ast, ast_uln        number    U/L         0-1e5           3-10000       default ULN 37
//	tbili, tbili_uln    number    mg/dL       0-100           0-30          InflaMix "tbr"; also umol/L (/17.104); default ULN 1.2
//	wbc, wbc_uln        number    10^9/L      0-500           0-200         default ULN 11
//	creatinine          number    mg/dL       0-30            0.1-15        also umol/L (/88.42)
//	il6, il10, tnfa (+ _uln)
//	                    number    pg/mL       0-1e7           0-100000      also ng/L; default ULNs 5, 18, 22
//	ddimer, ddimer_uln  number    ug/mL FEU   0-1e6           0-200         also mg/L FEU, ng/mL FEU (x0.001); default ULN 0.5
//	pfs_months          number    months      0-1200          0-240         also days (/30.4375), weeks, years
//	pfs_event           binary                                              1 = progression or death, 0 = censored
//	os_months           number    months      0-1200          0-240
//	os_event            binary                                              1 = death, 0 = censored
//	pfs_cause           integer               0-2                           0 censored, 1 progression, 2 death without progression
//	crs_grade, icans_grade
//	                    integer               0-5                           ASTCT grade
//	icu, tocilizumab, corticosteroids
//	                    binary                                              0/1
//	simulated           binary                                              1 = synthetic record, not patient data
//
// Every *_uln is read in its lab's unit unless declared itself (--units
// ldh_uln=ukat/L); a ULN of 0 is impossible. When a patient's ULN is
// missing the scorer uses the default above (the official InflaMix
// calculator's) and says so in a warning naming the value.
//
// # Conventions, the same for every entry point
//
//   - Stage: 1-4 or I-IV, "stage" before and the Ann Arbor suffixes A, B,
//     E, S, X after are read and dropped with a note ("IIIB", "IVE",
//     "II X", "iv a" are 3, 4, 2, 4). There is no Ann Arbor stage 0: it is
//     an error (give the stage before CAR T-cell therapy). A patient in
//     complete metabolic response before infusion has mtv_ml 0, a valid
//     value: IMPI and CAR-IMPI are computed with it (the linear spline is
//     defined at 0), and the study includes such patients as the paper
//     does (its inclusion needs MTV present, not positive).
//   - Events: 0/1; yes/no, TRUE/FALSE, dead/alive, event/censored. A
//     column whose values are exactly {1, 2} follows R's Surv convention
//     (2 = event, 1 = censored) and the output says so (EventCoding); any
//     other mixture is an error naming the values found.
//   - Dates (infusion_date, progression_date, death_date,
//     last_followup_date through the column map): ISO, DD.MM.YYYY, slash
//     dates with a declared order, Excel serial days. An unreadable
//     progression or death date never becomes censoring: the endpoints it
//     decides are left missing with the reason.
//   - Numbers: '.' decimals, or ',' in a ';'-separated file or with
//     --decimal ,. Where a '.' may be a thousands separator (1.200 in a
//     decimal-comma file) or a ',' a decimal comma, the value is refused
//     with the fix (--decimal , --thousands .). "1_200", "0x1p4" and "Inf"
//     are not numbers. Missing: "", NA, N/A, NaN, null, ".", <NA>.
//   - Units are declared, never guessed: a value that looks like another
//     unit (CRP 45 "mg/dL") is flagged with the fix, never rescaled.
package record
