# Regenerate tests/reference/evidence/r/metafor_pins.json with Debian's r-cran-metafor:
#   apt-get install -y r-cran-metafor && Rscript tests/reference/evidence/r/generate_pins.R
# Every pinned value is recorded with the exact R call that produced it ("call" field).
# Iterative estimators run at control=list(threshold=1e-10) (Fisher scoring stop rule) and, for
# PM/EB/uniroot-based quantities, tol=1e-12 so that metafor's answer is the converged root.
suppressMessages(library(metafor))

out <- list()
num <- function(x) if (is.null(x)) NA_real_ else as.numeric(x)
pin <- function(id, call, values) {
  out[[id]] <<- list(call = call, values = values)
}
json <- function(x, indent = "") {
  nxt <- paste0(indent, "  ")
  if (is.list(x)) {
    keys <- names(x)
    parts <- vapply(seq_along(x), function(i) {
      paste0(nxt, '"', keys[i], '": ', json(x[[i]], nxt))
    }, "")
    return(paste0("{\n", paste(parts, collapse = ",\n"), "\n", indent, "}"))
  }
  if (is.character(x)) {
    s <- gsub('\\\\', '\\\\\\\\', x)
    s <- gsub('"', '\\\\"', s)
    if (length(x) == 1) return(paste0('"', s, '"'))
    return(paste0("[", paste0('"', s, '"', collapse = ", "), "]"))
  }
  v <- ifelse(is.na(x), "null", ifelse(is.infinite(x), ifelse(x > 0, "1e308", "-1e308"), sprintf("%.17g", x)))
  if (length(x) == 1) return(v)
  paste0("[", paste(v, collapse = ", "), "]")
}

ctrl <- list(threshold = 1e-10, tol = 1e-12, maxiter = 1000)
model_values <- function(res) {
  pr <- predict(res)
  v <- list(beta = num(res$beta), se = num(res$se), zval = num(res$zval), pval = num(res$pval),
            ci_lb = num(res$ci.lb), ci_ub = num(res$ci.ub), tau2 = num(res$tau2), se_tau2 = num(res$se.tau2),
            I2 = num(res$I2), H2 = num(res$H2), QE = num(res$QE), QEp = num(res$QEp), k = num(res$k))
  if (res$p == 1) { v$pi_lb <- num(pr$pi.lb); v$pi_ub <- num(pr$pi.ub) }
  if (res$p > 1) { v$QM <- num(res$QM); v$QMp <- num(res$QMp); v$R2 <- num(res$R2) }
  v
}

dat <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
pin("bcg_escalc_RR", "escalc(measure='RR', ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)",
    list(yi = num(dat$yi), vi = num(dat$vi)))
for (m in c("OR", "RD", "PETO")) {
  e <- escalc(measure = m, ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
  pin(paste0("bcg_escalc_", m), sprintf("escalc(measure='%s', ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)", m),
      list(yi = num(e$yi), vi = num(e$vi)))
}

methods <- c("FE", "DL", "HE", "SJ", "ML", "REML", "PM", "EB")
for (m in methods) for (t in c("z", "knha")) {
  res <- rma(yi, vi, data = dat, method = m, test = t, control = ctrl)
  v <- model_values(res)
  call <- sprintf("rma(yi, vi, data=dat, method='%s', test='%s', control=list(threshold=1e-10, tol=1e-12, maxiter=1000)); predict(res)", m, t)
  if (m != "FE") {
    ci <- confint(res, control = list(tol = 1e-12))$random
    v$tau2_ci <- num(ci["tau^2", ]); v$I2_ci <- num(ci["I^2(%)", ]); v$H2_ci <- num(ci["H^2", ])
    call <- paste0(call, "; confint(res, control=list(tol=1e-12))$random")
  }
  pin(sprintf("bcg_RR_%s_%s", m, t), call, v)
}

for (m in c("OR", "RR", "RD")) {
  res <- rma.mh(measure = m, ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
  v <- list(beta = num(res$beta), se = num(res$se), zval = num(res$zval), pval = num(res$pval),
            ci_lb = num(res$ci.lb), ci_ub = num(res$ci.ub), QE = num(res$QE), QEp = num(res$QEp),
            I2 = num(res$I2), H2 = num(res$H2))
  if (m == "OR") { v$CMH <- num(res$CMH); v$CMHp <- num(res$CMHp) }
  pin(paste0("bcg_MH_", m), sprintf("rma.mh(measure='%s', ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)", m), v)
}
res <- rma.peto(ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
pin("bcg_PETO", "rma.peto(ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)",
    list(beta = num(res$beta), se = num(res$se), zval = num(res$zval), pval = num(res$pval),
         ci_lb = num(res$ci.lb), ci_ub = num(res$ci.ub), QE = num(res$QE), QEp = num(res$QEp),
         I2 = num(res$I2), H2 = num(res$H2)))

for (m in c("FE", "DL", "HE", "SJ", "ML", "REML", "PM", "EB")) for (t in c("z", "knha")) for (f in c("ablat", "ablat+year")) {
  res <- rma(yi, vi, mods = as.formula(paste0("~", f)), data = dat, method = m, test = t, control = ctrl)
  v <- model_values(res)
  call <- sprintf("rma(yi, vi, mods=~%s, data=dat, method='%s', test='%s', control=list(threshold=1e-10, tol=1e-12, maxiter=1000))", f, m, t)
  if (m != "FE") {
    ci <- confint(res, control = list(tol = 1e-12))$random
    v$tau2_ci <- num(ci["tau^2", ])
    call <- paste0(call, "; confint(res, control=list(tol=1e-12))$random")
  }
  pin(sprintf("bcg_metareg_%s_%s_%s", gsub("\\+", "_", f), m, t), call, v)
}

res <- rma(yi, vi, data = dat, method = "REML", control = ctrl)
rt <- regtest(res)
rl <- regtest(res, model = "lm")
pin("bcg_regtest", "res <- rma(yi, vi, data=dat, method='REML', control=ctrl); regtest(res); regtest(res, model='lm')",
    list(rma_zval = num(rt$zval), rma_pval = num(rt$pval), rma_est = num(rt$est), rma_ci_lb = num(rt$ci.lb),
         rma_ci_ub = num(rt$ci.ub), lm_tval = num(rl$zval), lm_pval = num(rl$pval), lm_dfs = num(rl$dfs),
         lm_est = num(rl$est), lm_ci_lb = num(rl$ci.lb), lm_ci_ub = num(rl$ci.ub)))
rk <- ranktest(res)
pin("bcg_ranktest", "ranktest(rma(yi, vi, data=dat, method='REML', control=ctrl))",
    list(tau = num(rk$tau), pval = num(rk$pval)))
for (m in c("FE", "REML", "DL")) {
  tf <- trimfill(rma(yi, vi, data = dat, method = m, control = ctrl))
  pin(paste0("bcg_trimfill_", m), sprintf("trimfill(rma(yi, vi, data=dat, method='%s', control=ctrl))", m),
      list(k0 = num(tf$k0), se_k0 = num(tf$se.k0), side = tf$side, beta = num(tf$beta), se = num(tf$se),
           tau2 = num(tf$tau2), QE = num(tf$QE), k = num(tf$k),
           filled_yi = num(tf$yi[tf$fill == 1]), filled_vi = num(tf$vi[tf$fill == 1])))
}
l1 <- leave1out(res)
pin("bcg_leave1out_REML", "leave1out(rma(yi, vi, data=dat, method='REML', control=ctrl))",
    list(estimate = num(l1$estimate), se = num(l1$se), zval = num(l1$zval), pval = num(l1$pval),
         ci_lb = num(l1$ci.lb), ci_ub = num(l1$ci.ub), Q = num(l1$Q), Qp = num(l1$Qp), tau2 = num(l1$tau2),
         I2 = num(l1$I2), H2 = num(l1$H2)))
cu <- cumul(res, order = dat$year)
pin("bcg_cumul_REML_year", "cumul(rma(yi, vi, data=dat, method='REML', control=ctrl), order=dat$year)",
    list(estimate = num(cu$estimate), se = num(cu$se), ci_lb = num(cu$ci.lb), ci_ub = num(cu$ci.ub),
         tau2 = num(cu$tau2), Q = num(cu$Q), I2 = num(cu$I2)))
resm <- rma(yi, vi, mods = ~ ablat + year, data = dat, method = "REML", control = ctrl)
inf <- influence(resm)
pin("bcg_influence_ablat_year_REML", "influence(rma(yi, vi, mods=~ablat+year, data=dat, method='REML', control=ctrl))",
    list(rstudent = num(inf$inf$rstudent), dffits = num(inf$inf$dffits), cook_d = num(inf$inf$cook.d),
         cov_r = num(inf$inf$cov.r), tau2_del = num(inf$inf$tau2.del), QE_del = num(inf$inf$QE.del),
         hat = num(inf$inf$hat), weight = num(inf$inf$weight), dfbetas = num(as.matrix(inf$dfbs))))
inf0 <- influence(res)
pin("bcg_influence_REML", "influence(rma(yi, vi, data=dat, method='REML', control=ctrl))",
    list(rstudent = num(inf0$inf$rstudent), dffits = num(inf0$inf$dffits), cook_d = num(inf0$inf$cook.d),
         cov_r = num(inf0$inf$cov.r), tau2_del = num(inf0$inf$tau2.del), QE_del = num(inf0$inf$QE.del),
         hat = num(inf0$inf$hat), weight = num(inf0$inf$weight), dfbetas = num(as.matrix(inf0$dfbs))))

# subgroups by allocation: separate REML fits, then the FE test of the subgroup estimates
sub <- lapply(split(dat, dat$alloc), function(d) rma(yi, vi, data = d, method = "REML", control = ctrl))
est <- sapply(sub, function(r) r$beta[1]); sei <- sapply(sub, function(r) r$se)
qb <- rma(est, sei = sei, method = "FE")
pin("bcg_subgroups_alloc_REML", "sub <- lapply(split(dat, dat$alloc), rma(yi, vi, method='REML')); rma(est, sei=se, method='FE')$QE",
    list(groups = names(sub), estimate = num(est), se = num(sei), tau2 = num(sapply(sub, function(r) r$tau2)),
         Q_between = num(qb$QE), Q_between_p = num(qb$QEp)))

# dat.normand1999: MD, SMD (Hedges g exact J, vtype LS and UB), ROM
for (ms in c("MD", "SMD", "ROM")) {
  e <- escalc(measure = ms, m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = dat.normand1999)
  v <- list(yi = num(e$yi), vi = num(e$vi))
  if (ms == "SMD") {
    eu <- escalc(measure = "SMD", vtype = "UB", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = dat.normand1999)
    v$vi_UB <- num(eu$vi)
  }
  pin(paste0("normand_escalc_", ms), sprintf("escalc(measure='%s', m1i, sd1i, n1i, m2i, sd2i, n2i, data=dat.normand1999)", ms), v)
  for (m in c("FE", "DL", "REML", "PM")) {
    res <- rma(e$yi, e$vi, method = m, control = ctrl)
    pin(sprintf("normand_%s_%s", ms, m), sprintf("rma(yi, vi, data=escalc('%s', ..., data=dat.normand1999), method='%s', control=ctrl)", ms, m),
        model_values(res))
  }
}

# zero cells (acceptance review): single-zero tables get 1/2 added to every cell (escalc/rma defaults
# add=1/2, to="only0", drop00=FALSE); rma.mh and rma.peto drop the double-zero table C for Q (drop00=TRUE)
zero <- data.frame(study = c("A", "B", "C", "D", "E", "F"), ai = c(0, 2, 0, 4, 7, 1), bi = c(20, 18, 25, 16, 13, 30),
                   ci = c(3, 5, 0, 0, 9, 6), di = c(17, 15, 25, 20, 11, 25))
zcall <- "zero <- data.frame(ai=c(0,2,0,4,7,1), bi=c(20,18,25,16,13,30), ci=c(3,5,0,0,9,6), di=c(17,15,25,20,11,25))"
for (ms in c("RR", "OR", "RD")) {
  e <- escalc(measure = ms, ai = ai, bi = bi, ci = ci, di = di, data = zero)
  pin(paste0("zero_escalc_", ms), sprintf("%s; escalc(measure='%s', ai=ai, bi=bi, ci=ci, di=di, data=zero)", zcall, ms),
      list(yi = num(e$yi), vi = num(e$vi)))
  for (m in c("DL", "REML")) {
    res <- rma(measure = ms, ai = ai, bi = bi, ci = ci, di = di, data = zero, method = m, control = ctrl)
    pin(sprintf("zero_%s_%s", ms, m), sprintf("%s; rma(measure='%s', ai=ai, bi=bi, ci=ci, di=di, data=zero, method='%s', control=ctrl)", zcall, ms, m),
        model_values(res))
  }
  res <- suppressWarnings(rma.mh(measure = ms, ai = ai, bi = bi, ci = ci, di = di, data = zero))
  pin(paste0("zero_MH_", ms), sprintf("%s; rma.mh(measure='%s', ai=ai, bi=bi, ci=ci, di=di, data=zero)", zcall, ms),
      list(beta = num(res$beta), se = num(res$se), QE = num(res$QE), QEp = num(res$QEp), I2 = num(res$I2),
           H2 = num(res$H2), k = num(res$k)))
}
res <- suppressWarnings(rma.peto(ai = ai, bi = bi, ci = ci, di = di, data = zero))
pin("zero_PETO", sprintf("%s; rma.peto(ai=ai, bi=bi, ci=ci, di=di, data=zero)", zcall),
    list(beta = num(res$beta), se = num(res$se), QE = num(res$QE), QEp = num(res$QEp), I2 = num(res$I2),
         H2 = num(res$H2), k = num(res$k)))

# Mantel-Haenszel subgroups by allocation: rma.mh per subgroup, then the FE test of the subgroup estimates
sub <- lapply(split(dat.bcg, dat.bcg$alloc), function(d) rma.mh(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = d))
est <- sapply(sub, function(r) r$beta[1]); sei <- sapply(sub, function(r) r$se)
qb <- rma(est, sei = sei, method = "FE")
pin("bcg_subgroups_alloc_MH_RR", "sub <- lapply(split(dat.bcg, dat.bcg$alloc), rma.mh(measure='RR', ai=tpos, bi=tneg, ci=cpos, di=cneg)); rma(est, sei=se, method='FE')$QE",
    list(groups = names(sub), estimate = num(est), se = num(sei), Q_between = num(qb$QE), Q_between_p = num(qb$QEp)))

pins <- list(metafor_version = as.character(packageVersion("metafor")), R_version = R.version.string,
             pins = out)
target <- file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "metafor_pins.json")
writeLines(json(pins), target)
cat("wrote", target, "\n")
