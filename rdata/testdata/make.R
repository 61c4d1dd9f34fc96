# Writes the fixtures of carimpi's rdata tests with R's own save() and
# saveRDS(): every compression, serialization versions 2 and 3, XDR,
# native binary and ASCII. Run from this folder: Rscript make.R
# (R 4.2.2; the values are defined here, and rdata_test.go checks them).
x <- list(
  lgl = c(TRUE, FALSE, NA),
  int = c(1L, NA, -3L),
  dbl = c(1.5, NA, NaN, Inf, -Inf, -0.25),
  cpl = complex(real = c(1, -2), imaginary = c(0.5, 3)),
  chr = c("a", NA, "\u00e9t\u00e9", "tab\there \"quoted\"\n"),
  latin1 = iconv("caf\u00e9", "UTF-8", "latin1"),
  raw = as.raw(c(0, 1, 255)),
  mat = matrix(c(1, 2, 3, 4, 5, 6), nrow = 2, dimnames = list(c("r1", "r2"), c("a", "b", "c"))),
  arr = array(1:24, dim = c(2, 3, 4)),
  fac = factor(c("lo", "hi", "lo", NA), levels = c("lo", "hi")),
  df = data.frame(id = c("p1", "p2", "p3"), age = c(64L, 70L, NA), mtv = c(120.5, 3, 44.3)),
  seq = 1:10,
  rseq = seq(0.5, 5, by = 0.5),
  nested = list(a = list(b = list(c = 42))),
  nul = NULL,
  pl = pairlist(p = 1, q = "two"),
  fn = function(a, b = 2) a + b,
  cfn = compiler::cmpfun(function(x) x^2 + 1),
  env = local({ e <- new.env(); assign("v", 7, envir = e); e }),
  fml = y ~ x + log(z),
  expr = expression(a + 1, b),
  s4 = methods::new("numeric", 3)
)
saveRDS(x, "all-v3-gzip.rds", version = 3, compress = "gzip")
saveRDS(x, "all-v2-bzip2.rds", version = 2, compress = "bzip2")
saveRDS(x, "all-v3-xz.rds", version = 3, compress = "xz")
saveRDS(x, "all-v2-none.rds", version = 2, compress = FALSE)
saveRDS(x, "all-v3-ascii.rds", version = 3, ascii = TRUE, compress = FALSE)
con <- file("all-v3-native.rds", "wb"); serialize(x, con, xdr = FALSE, version = 3); close(con)
dev_mu <- matrix(c(0.1, 0.2, 0.3, 0.4), 2, dimnames = list(c("d0_a", "d0_b"), NULL))
small <- c(a = 1, b = 2)
save(dev_mu, small, file = "objects-v2-bzip2.RData", version = 2, compress = "bzip2")
save(dev_mu, small, file = "objects-v3-none.RData", version = 3, compress = FALSE)
save(dev_mu, small, file = "objects-v3-ascii.RData", version = 3, ascii = TRUE)
