# make-messy-777.R -- a messy, oddly formatted cohort from carimpi simulate --seed 777 (testdata/study/README.md)
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE, check.names = FALSE, na.strings = "")
set.seed(777)
n <- nrow(d)
# ties: times to half months (>= 0.5), OS >= PFS
for (ep in c("pfs", "os")) { m <- paste0(ep, "_months"); d[[m]] <- pmax(0.5, round(d[[m]] * 2) / 2) }
d$os_months <- pmax(d$os_months, d$pfs_months)
d$mtv_ml <- round(d$mtv_ml)                  # ties in MTV (cutpoint search)
d$age <- round(d$age)
d$ldh <- round(d$ldh, -1)
d$ferritin <- round(d$ferritin, -1)
# units: crp in mg/L, hb in g/L (declared with --units)
d$crp <- round(d$crp * 10, 1); d$crp_uln <- d$crp_uln * 10
d$hb <- round(d$hb * 10); d$hb_uln <- d$hb_uln * 10
d$crp[sample(n, 4)] <- 30                    # exactly at the CAR-HEMATOTOX CRP threshold (3 mg/dL)
d$hb[sample(n, 4)] <- 90                     # exactly at the Hb threshold (9 g/dL)
d$plt[sample(n, 3)] <- 75; d$plt[sample(n, 3)] <- 175
d$anc[sample(n, 3)] <- 1.2
d$ferritin[sample(n, 3)] <- 650; d$ferritin[sample(n, 3)] <- 2000
# a rare product, rare ECOG 3-4
d$product[sample(which(d$product == "axi-cel"), 3)] <- "liso-cel"
d$product[sample(which(d$product != "liso-cel"), 2)] <- "liso-cel"
d$ecog[sample(n, 2)] <- 3
# a center with 2 patients
d$center[sample(which(d$cohort == "development"), 2)] <- "Tiny Center"
# blanks
blank <- function(col, k) { i <- sample(n, k); d[i, col] <<- NA }
blank("ldh", 8); blank("crp", 6); blank("ecog", 4); blank("product", 3); blank("sex", 3)
blank("os_event", 2); blank("pfs_months", 2); blank("crs_grade", 5); blank("icans_grade", 3)
blank("ferritin", 6); blank("prior_lines", 4); blank("tocilizumab", 6); blank("bridging", 5)
blank("anc", 4); blank("plt", 3); blank("hb", 3); blank("icu", 3); blank("age", 2); blank("mtv_ml", 2)
blank("stage", 1); blank("corticosteroids", 4); blank("bulky", 3); blank("ldh_uln", 5)
# spellings the importer accepts
d$sex <- ifelse(is.na(d$sex), NA, ifelse(d$sex == "male", sample(c("M", "male", "m"), n, TRUE), sample(c("F", "weiblich", "female"), n, TRUE)))
d$product <- ifelse(is.na(d$product), NA, c("axi-cel" = "Yescarta", "tisa-cel" = "Kymriah", "liso-cel" = "Breyanzi")[d$product])
d$stage <- ifelse(is.na(d$stage), NA, paste0(c("I", "II", "III", "IV")[d$stage], sample(c("", "A", "B", "E"), n, TRUE)))
for (b in c("bridging", "primary_refractory", "bulky", "icu"))
  d[[b]] <- ifelse(is.na(d[[b]]), NA, c("no", "yes")[d[[b]] + 1])
d$cohort <- ifelse(d$cohort == "development", "Development", "VALIDATION")
# a third cohort of 4 patients (in no analysis)
x <- d[1:4, ]; x$cohort <- "Pilot"; x$patient_id <- paste0("P", 1:4)
d <- rbind(d, x)
write.table(d, args[2], sep = ";", dec = ",", row.names = FALSE, na = "", quote = TRUE)
