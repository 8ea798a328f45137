# metafor's ML/REML fits of the datasets whose restricted likelihood has more than one peak
# (bimodal_k20.csv, written by ../pymare/generate_optima.py from the 40,000 datasets of random_k20.py).
# Regenerate tests/reference/evidence/r/metafor_bimodal_pins.json with Debian's r-cran-metafor:
#   apt-get install -y r-cran-metafor && Rscript tests/reference/evidence/r/generate_bimodal_pins.R
# Fits run at control=list(threshold=1e-10, maxiter=1000) as in generate_pins.R; logLik() is metafor's
# (restricted) log-likelihood with its constants, so the test compares differences, not levels.
suppressMessages(library(metafor))
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
rows <- read.csv(file.path(here, "bimodal_k20.csv"))
ctrl <- list(threshold = 1e-10, maxiter = 1000)
fmt <- function(x) sprintf("%.17g", x)
out <- c()
for (id in unique(rows$dataset)) {
  d <- rows[rows$dataset == id, ]
  vals <- c()
  for (m in c("REML", "ML")) {
    res <- rma(d$yi, d$vi, method = m, control = ctrl)
    at0 <- rma(d$yi, d$vi, method = m, tau2 = 0)
    vals <- c(vals, sprintf('"tau2_%s": %s, "ll_%s": %s, "ll0_%s": %s', m, fmt(res$tau2), m,
                            fmt(as.numeric(logLik(res))), m, fmt(as.numeric(logLik(at0)))))
  }
  out <- c(out, sprintf('    "%d": {%s}', id, paste(vals, collapse = ", ")))
}
call <- "rma(yi, vi, method=m, control=list(threshold=1e-10, maxiter=1000)); rma(yi, vi, method=m, tau2=0); logLik()"
json <- paste0('{\n  "metafor": "', as.character(packageVersion("metafor")), '",\n  "call": "', call,
               '",\n  "pins": {\n', paste(out, collapse = ",\n"), "\n  }\n}\n")
writeLines(json, file.path(here, "metafor_bimodal_pins.json"), sep = "")
cat(length(out), "datasets pinned\n")
