# make-messy.R -- a small, messy cohort for the supplementary tables'
# tests against R: ties everywhere (times rounded to whole months, so that
# deaths and censorings share times; labs rounded), missing values, rare
# categories (Fisher's exact test) and groups under 50 (wilcox.test's exact
# p-value where a variable has no ties: ANC and the score).
#
#   carimpi simulate --n-development 46 --n-validation 40 --seed 33 --out sim.csv
#   Rscript make-messy.R sim.csv cohort-seed33-messy.csv
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE, check.names = FALSE)
set.seed(15)
n <- nrow(d)
for (ep in c("pfs", "os")) {                      # whole months, at least 1
  m <- paste0(ep, "_months")
  d[[m]] <- pmax(1, round(d[[m]]))
}
d$os_months <- pmax(d$os_months, d$pfs_months)
d$ldh <- round(d$ldh, -1)                          # ties in LDH
d$crp <- round(d$crp * 2) / 2                      # ties in CRP
d$ferritin <- round(d$ferritin, -2)
d$hb <- round(d$hb)
d$anc <- round(d$anc + runif(n, 0, 0.01), 5)         # no ties: the exact Wilcoxon p-value
blank <- function(col, k) { i <- sample(n, k); if (is.character(d[[col]])) d[i, col] <<- "" else d[i, col] <<- NA }
blank("ldh", 5); blank("crp", 4); blank("ecog", 3); blank("product", 3); blank("sex", 2)
blank("os_event", 3); blank("pfs_months", 2); blank("crs_grade", 4); blank("icans_grade", 2)
blank("ferritin", 6); blank("prior_lines", 3); blank("tocilizumab", 5); blank("bridging", 4)
d$product[sample(which(d$product != ""), 3)] <- "liso-cel"   # a rare level
write.csv(d, args[2], row.names = FALSE, na = "", quote = TRUE)
