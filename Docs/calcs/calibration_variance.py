"""Oracle for CalibrationGainVariance (Sources/AuditStats/Tests/CalibrationGainVariance.swift).

Var T for T(S) = sum_a w_a f_a(S_a), S ~ N(mu, Sigma), f_a(x) = 2|x| - E|N(x, sigma_a^2)|,
sigma_a^2 = Sigma_aa, w_a = +1/n on the comparator's bins (a < k), -1/n on the target's.
Computed independently of the Mehler series: each pair's covariance by numerical integration
over the bivariate normal, conditioning on S_a (the inner expectation over S_b | S_a is a folded
normal mean in closed form) and adaptive quadrature (scipy.integrate.quad) split at the kink
S_a = 0; one pair per case is cross-checked with scipy.integrate.dblquad over the density of
scipy.stats.multivariate_normal. Run: python Docs/calcs/calibration_variance.py
The printed values are pasted into Tests/AuditStatsTests/CalibrationGainVarianceTests.swift.
"""
from math import sqrt, pi, exp, isclose
import numpy as np
from scipy.integrate import quad, dblquad
from scipy.stats import norm, multivariate_normal

def folded(m, s):  # E|N(m, s^2)|
    if s <= 0:
        return abs(m)
    r = m / s
    return s * sqrt(2 / pi) * exp(-r * r / 2) + m * (1 - 2 * norm.cdf(-r))

def f(x, sig):
    return 2 * abs(x) - folded(x, sig)

def mean_f(mu, sa, sig):  # E f(N(mu, sa^2)) with f's own sigma = sig
    return 2 * folded(mu, sa) - folded(mu, sqrt(sa * sa + sig * sig))

def cov_pair(mua, mub, saa, sbb, sab):
    sa, sb = sqrt(saa), sqrt(sbb)
    if sa == 0 or sb == 0:
        return 0.0
    rho = max(-1.0, min(1.0, sab / (sa * sb)))
    def inner(z):  # E[f_b(S_b) | S_a = mua + sa z]
        m = mub + sb * rho * z
        s = sb * sqrt(max(1 - rho * rho, 0.0))
        return 2 * folded(m, s) - folded(m, sqrt(s * s + sb * sb))
    g = lambda z: f(mua + sa * z, sa) * inner(z) * norm.pdf(z)
    kink = -mua / sa
    cuts = sorted(set([-14.0, 14.0] + ([kink] if -14 < kink < 14 else [])))
    e = sum(quad(g, lo, hi, epsabs=1e-15, epsrel=1e-13, limit=500)[0] for lo, hi in zip(cuts, cuts[1:]))
    return e - mean_f(mua, sa, sa) * mean_f(mub, sb, sb)

def cov_pair_dblquad(mua, mub, saa, sbb, sab):
    mvn = multivariate_normal([mua, mub], [[saa, sab], [sab, sbb]])
    sa, sb = sqrt(saa), sqrt(sbb)
    ea, eb = mean_f(mua, sa, sa), mean_f(mub, sb, sb)
    h = lambda y, x: (f(x, sa) - ea) * (f(y, sb) - eb) * mvn.pdf([x, y])
    return dblquad(h, mua - 9 * sa, mua + 9 * sa, mub - 9 * sb, mub + 9 * sb, epsabs=1e-11, epsrel=1e-9)[0]

def var_t(mu, cov, k, n):
    d = len(mu)
    w = [1 / n if a < k else -1 / n for a in range(d)]
    total = 0.0
    for a in range(d):
        for b in range(d):
            total += w[a] * w[b] * cov_pair(mu[a], mu[b], cov[a][a], cov[b][b], cov[a][b])
    return total

cases = {
    # rho ~ 0.99 between the comparator's bin 0 and the target's bin 0
    "correlated": ([1.2, -0.7, 0.9, -0.5], [[2.0, -0.05, 1.98, 0.0], [-0.05, 1.5, 0.0, 1.2], [1.98, 0.0, 2.0, -0.02], [0.0, 1.2, -0.02, 1.5]], 2, 40.0),
    # (every matrix here is positive semi-definite, as the draws' covariance is)
    # a near-calibrated bin (mu ~ 0) next to a miscalibrated one
    "near_calibrated": ([0.0, 3.5, 0.02, 2.8], [[1.0, 0.0, 0.6, 0.1], [0.0, 2.0, 0.2, 1.5], [0.6, 0.2, 1.1, 0.0], [0.1, 1.5, 0.0, 1.8]], 2, 25.0),
    # a bin without variance (sigma = 0): a constant, drops out
    "constant_bin": ([0.8, 1.7, -0.4], [[0.9, 0.0, 0.5], [0.0, 0.0, 0.0], [0.5, 0.0, 0.7]], 2, 12.0),
}
for name, (mu, cov, k, n) in cases.items():
    print(f"{name}: Var T = {float(var_t(mu, cov, k, n))!r}")
# Cross-check of the conditioning quadrature against a plain double integral, one pair per case.
for name, (mu, cov, k, n) in cases.items():
    a, b = 0, 2
    one, two = cov_pair(mu[a], mu[b], cov[a][a], cov[b][b], cov[a][b]), cov_pair_dblquad(mu[a], mu[b], cov[a][a], cov[b][b], cov[a][b])
    print(f"{name}: Cov(f_0, f_2) quad {float(one)!r} dblquad {float(two)!r}")
    assert isclose(one, two, rel_tol=1e-6, abs_tol=1e-9)
