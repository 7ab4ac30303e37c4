# Expected values of Tests/AuditStatsTests/PrimaryIntervalTests.swift (python3, scipy 1.17).
from scipy.stats import binomtest, t, norm
import numpy as np
for (n10, n01, n) in [(3, 10, 50), (0, 5, 40), (5, 0, 40), (1, 1, 10), (120, 80, 1000), (7, 3, 12)]:
    nd = n10 + n01
    ci = binomtest(n10, nd).proportion_ci(confidence_level=0.9, method='exact')
    print((n10, n01, n), repr(ci.low), repr(ci.high), repr(nd / n * (2 * ci.low - 1)), repr(nd / n * (2 * ci.high - 1)))
print(repr(norm.ppf(0.95)))
n = 200; s = 4.09884578470777; ss = 188.34687741768494
m = s / n; se = np.sqrt((ss - n * m * m) / (n - 1) / n)
print(repr(m), repr(se), t.interval(0.9, n - 1, loc=m, scale=se))
