"""Generates ridge_sklearn.json once (run from the repository root with numpy, pandas and
scikit-learn); the tests read only the JSON. Expected values are scikit-learn Ridge's."""
import json
import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import Ridge
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(20261124)
n, d = 60, 4
X = rng.normal(size=(n, d))
X[:, 2] = X[:, 0] * 0.9 + 0.1 * rng.normal(size=n)  # a near-collinear pair
groups = rng.integers(0, 4, size=n)
E = np.zeros((n, 4))
E[np.arange(n), groups] = 1  # intersectional indicators: they sum to 1, collinear with the intercept
y = 1.5 + X @ np.array([0.8, -0.4, 0.3, 0.0]) + np.array([0.0, 0.5, -0.3, 1.0])[groups] + rng.normal(scale=0.5, size=n)
out = {"comment": "Generated once by make_ridge_fixture.py: Ridge(alpha, fit_intercept=True, solver='cholesky').",
       "sklearn_version": sklearn.__version__,
       "rows": n, "columns": d, "design": X.ravel().tolist(), "indicators": E.ravel().tolist(),
       "indicator_columns": 4, "targets": y.tolist(), "fits": []}
for alpha in [1.0, 0.01, 25.0]:
    for with_extra in [False, True]:
        A = np.hstack([X, E]) if with_extra else X
        m = Ridge(alpha=alpha, fit_intercept=True, solver="cholesky").fit(A, y)
        out["fits"].append({"alpha": alpha, "indicators": with_extra, "intercept": float(m.intercept_),
                            "coefficients": m.coef_.tolist()})

# h0 on the bundled creatinine data, every row used for training: the Preprocessor's design is
# StandardScaler (ddof 0) of the numeric features (there are no missing values).
data = pd.read_csv("Sites/datasets/flchain_creatinine.csv")
features = ["sample_yr", "kappa", "lambda", "flc_grp", "mgus"]
Z = StandardScaler().fit_transform(data[features].to_numpy(float))
m = Ridge(alpha=1.0, fit_intercept=True, solver="cholesky").fit(Z, data["creatinine"].to_numpy(float))
out["creatinine_h0"] = {"alpha": 1.0, "features": features, "intercept": float(m.intercept_),
                        "coefficients": m.coef_.tolist()}
json.dump(out, open("Tests/AuditModelsTests/Fixtures/ridge/ridge_sklearn.json", "w"), indent=1)
