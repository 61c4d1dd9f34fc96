# Writes glibc.csv: exp(x) and b^y as R computes them (R calls the C
# library's exp and pow; here glibc, Debian bookworm), in hexadecimal so
# that every bit is kept. Regenerate: cd internal/crmath/testdata && Rscript make.R
set.seed(20261202)
n <- 250
x <- c(runif(n, -6, 6), round(runif(n, -3, 3), 3))
b <- runif(2 * n, 0.02, 0.999)
y <- c(exp(runif(n, -3, 3)), exp(round(runif(n, -2, 2), 4)))
d <- rbind(data.frame(kind = "exp", a = sprintf("%a", x), b = "", r = sprintf("%a", exp(x))),
           data.frame(kind = "pow", a = sprintf("%a", b), b = sprintf("%a", y), r = sprintf("%a", b^y)))
write.csv(d, "glibc.csv", row.names = FALSE, quote = FALSE)
