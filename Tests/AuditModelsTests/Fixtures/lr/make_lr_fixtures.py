"""Reference fits for the Swift logistic-regression tests (AuditModelsTests/LogisticRegressionTests).

Run from anywhere with the reference venv:  /work/pyref/bin/python make_lr_fixtures.py
Writes, next to this script:
  heart_design.f64   303 x 20 standardized heart_cleveland design, float64 little-endian, row-major
  heart.json         column names, labels, sklearn fits (unweighted and weighted), numpy Newton fits
  random_design.i8   400 x 250 seeded design, int8 codes k; the entry is k / 16 (exact in float64)
  random.json        labels, sklearn fit, numpy Newton fit

Reference model: sklearn LogisticRegression(C=1.0, solver="lbfgs", max_iter=10000, tol=1e-10),
i.e. minimize C * sum_i w_i logloss_i + ||beta||^2 / 2 with an unpenalized intercept.
"numpy_newton" is the same minimizer solved by Newton's method in float64 to max|grad|/sum(w) < 1e-14
(sklearn stops at max|grad| of about 1e-9, so it agrees with the exact optimum only to about 1e-4).
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
HEART = "/work/shared/datasets/heart_cleveland.csv"
FEATURES = ["chest_pain", "rest_sbp", "cholesterol", "fasting_bs_gt120", "rest_ecg", "max_hr",
            "exercise_angina", "st_depression", "st_slope", "n_major_vessels", "thal"]
CATEGORICAL = {"chest_pain", "rest_ecg", "st_slope", "thal"}
C = 1.0


def heart_design():
    """Mean-impute numeric columns and standardize them with the population SD; one-hot every
    categorical column with all its levels (sorted), a missing category giving all zeros."""
    df = pd.read_csv(HEART)
    cols, names = [], []
    for f in FEATURES:
        if f in CATEGORICAL:
            for level in sorted(df[f].dropna().unique()):
                cols.append((df[f] == level).astype(float).to_numpy())
                names.append(f"{f}={level}")
        else:
            v = df[f].astype(float)
            v = v.fillna(v.mean()).to_numpy()
            cols.append((v - v.mean()) / v.std(ddof=0))
            names.append(f)
    return np.column_stack(cols), df["heart_disease"].to_numpy().astype(np.uint8), names


def sklearn_fit(X, y, w=None):
    m = LogisticRegression(C=C, solver="lbfgs", max_iter=10000, tol=1e-10).fit(X, y, sample_weight=w)
    b, beta = float(m.intercept_[0]), m.coef_[0].astype(float)
    return {"intercept": b, "coefficients": beta.tolist(), "n_iter": int(m.n_iter_[0]),
            "max_abs_gradient": max_abs_gradient(X, y, w, b, beta)}


def max_abs_gradient(X, y, w, b, beta):
    """max |grad(objective)| / sum(w), the Swift stopping measure."""
    w = np.ones(len(y)) if w is None else w
    p = 1 / (1 + np.exp(-(b + X @ beta)))
    r = w * (p - y)
    g = np.concatenate([[C * r.sum()], C * (X.T @ r) + beta])
    return float(np.abs(g).max() / w.sum())


def newton_fit(X, y, w=None):
    w = np.ones(len(y)) if w is None else w
    n, d = X.shape
    Xt = np.hstack([X, np.ones((n, 1))])
    theta = np.zeros(d + 1)
    theta[d] = np.log(w[y == 1].sum() / w[y == 0].sum())
    for _ in range(100):
        z = Xt @ theta
        p = 1 / (1 + np.exp(-z))
        r = w * (p - y)
        g = C * (Xt.T @ r)
        g[:d] += theta[:d]
        if np.abs(g).max() / w.sum() < 1e-14:
            break
        H = C * (Xt * (w * p * (1 - p))[:, None]).T @ Xt
        H[np.arange(d), np.arange(d)] += 1
        theta -= np.linalg.solve(H, g)
    b, beta = float(theta[d]), theta[:d]
    return {"intercept": b, "coefficients": beta.tolist(), "max_abs_gradient": max_abs_gradient(X, y, w, b, beta)}


def main():
    print("sklearn", sklearn.__version__, file=sys.stderr)
    X, y, names = heart_design()
    X.astype("<f8").tofile(os.path.join(HERE, "heart_design.f64"))
    w = np.where(y == 1, 2.5, 1.0)
    heart = {
        "source": "heart_cleveland.csv (all 303 rows), outcome heart_disease; see make_lr_fixtures.py",
        "sklearn_version": sklearn.__version__, "C": C,
        "rows": int(X.shape[0]), "columns": int(X.shape[1]), "column_names": names,
        "labels": y.tolist(),
        "weight_rule": "1 for label 0, 2.5 for label 1",
        "sklearn": sklearn_fit(X, y), "sklearn_weighted": sklearn_fit(X, y, w),
        "numpy_newton": newton_fit(X, y), "numpy_newton_weighted": newton_fit(X, y, w),
    }
    with open(os.path.join(HERE, "heart.json"), "w") as f:
        json.dump(heart, f, indent=1)

    rng = np.random.default_rng(20250611)
    n, d = 400, 250
    codes = np.clip(np.rint(rng.standard_normal((n, d)) * 16), -127, 127).astype(np.int8)
    Xr = codes.astype(float) / 16
    beta_true = rng.standard_normal(d) * 2 / np.sqrt(d)
    yr = (rng.random(n) < 1 / (1 + np.exp(-(0.2 + Xr @ beta_true)))).astype(np.uint8)
    codes.tofile(os.path.join(HERE, "random_design.i8"))
    rand = {
        "source": "seeded numpy draw (default_rng(20250611)); entry = int8 code / 16; see make_lr_fixtures.py",
        "sklearn_version": sklearn.__version__, "C": C, "rows": n, "columns": d, "scale": 1 / 16,
        "labels": yr.tolist(), "sklearn": sklearn_fit(Xr, yr), "numpy_newton": newton_fit(Xr, yr),
    }
    with open(os.path.join(HERE, "random.json"), "w") as f:
        json.dump(rand, f, indent=1)

    for name, fit, exact in [("heart", heart["sklearn"], heart["numpy_newton"]),
                             ("heart weighted", heart["sklearn_weighted"], heart["numpy_newton_weighted"]),
                             ("random", rand["sklearn"], rand["numpy_newton"])]:
        a = np.array([fit["intercept"]] + fit["coefficients"])
        e = np.array([exact["intercept"]] + exact["coefficients"])
        print(f"{name}: sklearn n_iter {fit.get('n_iter')}, sklearn grad {fit['max_abs_gradient']:.3g}, "
              f"newton grad {exact['max_abs_gradient']:.3g}, "
              f"max |sk - newton| / (1e-4 |newton| + 1e-6) = {np.max(np.abs(a - e) / (1e-4 * np.abs(e) + 1e-6)):.3g}",
              file=sys.stderr)


if __name__ == "__main__":
    main()
