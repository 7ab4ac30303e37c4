"""scikit-learn side of `fairuse benchmark --model-class`: fits the same model class on the same
design matrices (written by the Swift side) and prints the best-of-R fit+predict time and the test
AUC as JSON. Settings: ICML 2023 Appendix D (RF: 100 trees, max depth 20, min samples split 5 /
leaf 2; NN: hidden (5, 2), lr 1e-3, Platt scaling), scikit-learn defaults otherwise."""
import argparse
import json
import time
import warnings

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier


def fit_predict(model_class, X, y, Xt, seed, jobs):
    if model_class == "random_forest":
        m = RandomForestClassifier(n_estimators=100, max_depth=20, min_samples_split=5, min_samples_leaf=2,
                                   random_state=seed, n_jobs=jobs).fit(X, y)
        return m.predict_proba(Xt)[:, 1]
    if model_class == "neural_network":
        # As fairuse: a stratified 20% of the training rows held out for Platt scaling.
        Xa, Xc, ya, yc = train_test_split(X, y, test_size=0.2, stratify=y, random_state=seed)
        mlp = MLPClassifier(hidden_layer_sizes=(5, 2), learning_rate_init=1e-3, random_state=seed).fit(Xa, ya)
        cal = CalibratedClassifierCV(FrozenEstimator(mlp), method="sigmoid").fit(Xc, yc)
        return cal.predict_proba(Xt)[:, 1]
    m = LogisticRegression(C=1.0, max_iter=1000).fit(X, y)
    return m.predict_proba(Xt)[:, 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--model-class", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    train = np.loadtxt(a.train, delimiter=",", skiprows=1, ndmin=2)
    test = np.loadtxt(a.test, delimiter=",", skiprows=1, ndmin=2)
    X, y, Xt, yt = train[:, :-1], train[:, -1].astype(int), test[:, :-1], test[:, -1].astype(int)
    warnings.simplefilter("ignore", ConvergenceWarning)
    best, p = float("inf"), None
    for _ in range(a.repeats):
        start = time.perf_counter()
        p = fit_predict(a.model_class, X, y, Xt, a.seed, a.jobs)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best, "auc": roc_auc_score(yt, p)}))


if __name__ == "__main__":
    main()
