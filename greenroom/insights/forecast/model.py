"""Training the forecaster: LightGBM on log tickets, a second LightGBM for the spread, and
split-conformal intervals calibrated on the time-latest completed concerts.

``train_forecaster(reader, today)`` is pure: it reads the lake through ``reader`` and uses
only concerts completed before ``today`` (the reference date), so the same lake and date
give the same artefact.

Intervals (normalised split conformal, in log space): the point model ``mu(x)`` predicts
``log1p(tickets)``; a scale model ``sigma(x)`` predicts the absolute out-of-fold residual.
On the calibration fold, the scores ``|log1p(y) - mu| / sigma`` give the quantiles ``q80``
and ``q95``; an interval is ``expm1(mu ± q sigma)`` clipped to ``[0, capacity]``.

``confidence_score`` is defined from the relative interval width: it is the coverage level
whose interval reaches exactly ±25 % around the prediction (in log terms, ``log 1.25``),
i.e. the share of calibration scores at most ``log(1.25) / sigma(x)``. It is calibrated by
construction: among forecasts with score ``c``, about ``c`` land within 25 %.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pyarrow as pa

from greenroom.insights.forecast.features import (
    CATEGORICAL,
    FEATURES,
    LAKE,
    NUMERIC,
    Sources,
    build_features,
    concert_targets,
)
from greenroom.lake.reader import Reader

MODEL_TYPE = "lightgbm_conformal"
CALIBRATION_SHARE = 0.25
CONFIDENCE_BAND = math.log(1.25)
PARAMS: dict[str, Any] = {
    "objective": "regression_l1",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.9,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "num_threads": 1,
    "seed": 7,
    "deterministic": True,
    "force_row_wise": True,
    "verbose": -1,
}
ROUNDS = 400
SCALE_ROUNDS = 150
REFIT = True

TRAIN_AS_OF = (
    "CAST(COALESCE(c.local_start, c.event_date) AS DATE) - (hash(c.concert_id) % 366)::INTEGER"
)


@dataclass(frozen=True)
class TrainedForecaster:
    """A trained forecaster: its parameters, metrics, feature names and artefact bytes.

    ``artefact`` alone rebuilds it (:meth:`from_artefact`): two LightGBM model strings, the
    category levels and the calibration scores, as JSON.
    """

    today: dt.date
    params: dict[str, Any]
    metrics: dict[str, float]
    features: tuple[str, ...]
    artefact: bytes
    _mu: Any = field(repr=False, compare=False)
    _sigma: Any = field(repr=False, compare=False)
    _levels: dict[str, list[str]] = field(repr=False, compare=False)
    _scores: np.ndarray = field(repr=False, compare=False)

    @property
    def version(self) -> str:
        """A stable id of the artefact (the first 12 hex digits of its SHA-256)."""
        return hashlib.sha256(self.artefact).hexdigest()[:12]

    @property
    def model_type(self) -> str:
        return MODEL_TYPE

    @classmethod
    def from_artefact(cls, artefact: bytes) -> TrainedForecaster:
        import lightgbm as lgb

        doc = json.loads(artefact)
        return cls(
            today=dt.date.fromisoformat(doc["today"]),
            params=doc["params"],
            metrics=doc["metrics"],
            features=tuple(doc["features"]),
            artefact=artefact,
            _mu=lgb.Booster(model_str=doc["mu"]),
            _sigma=lgb.Booster(model_str=doc["sigma"]),
            _levels=doc["levels"],
            _scores=np.asarray(doc["scores"], dtype=np.float64),
        )

    def quantile(self, level: float) -> float:
        """The conformal quantile of the calibration scores at ``level`` (finite-sample)."""
        n = len(self._scores)
        k = min(n - 1, math.ceil((n + 1) * level) - 1)
        return float(self._scores[k])

    def predict(self, features: pa.Table) -> pa.Table:
        """Point forecasts, 80 % and 95 % intervals and confidence per feature row."""
        x = to_matrix(features, self._levels)
        cap = np.asarray(features["capacity"].to_numpy(zero_copy_only=False), dtype=np.float64)
        cap = np.where(np.isnan(cap), np.inf, cap)
        mu = self._mu.predict(x) + _offset(features)
        sigma = np.maximum(self._sigma.predict(x), 1e-3)
        out: dict[str, np.ndarray] = {"predicted_value": np.clip(np.expm1(mu), 0, cap)}
        for level, name in ((0.8, "80"), (0.95, "95")):
            q = self.quantile(level)
            out[f"lower_{name}"] = np.clip(np.expm1(mu - q * sigma), 0, cap)
            out[f"upper_{name}"] = np.clip(np.expm1(mu + q * sigma), 0, cap)
        conf = np.searchsorted(self._scores, CONFIDENCE_BAND / sigma, side="right")
        out["confidence_score"] = conf / len(self._scores)
        out["low_confidence"] = out["confidence_score"] < 0.70
        return pa.table({k: pa.array(v) for k, v in out.items()})


def _offset(features: pa.Table) -> np.ndarray:
    """The model learns log tickets relative to log capacity (the fill in log terms)."""
    cap = np.asarray(features["log_capacity"].to_numpy(zero_copy_only=False), dtype=np.float64)
    return np.where(np.isnan(cap), 0.0, cap)


def to_matrix(features: pa.Table, levels: dict[str, list[str]]) -> np.ndarray:
    """The model's input: numeric columns as floats, categories as their level index."""
    cols = [
        np.asarray(features[name].to_numpy(zero_copy_only=False), dtype=np.float64)
        for name in NUMERIC
    ]
    for name in CATEGORICAL:
        index = {level: float(i) for i, level in enumerate(levels[name])}
        values = features[name].to_pylist()
        cols.append(np.array([index.get(v, np.nan) if v else np.nan for v in values]))
    return np.column_stack(cols)


def training_features(reader: Reader, today: dt.date, sources: Sources = LAKE) -> pa.Table:
    """Features and the actual tickets of every concert completed before ``today``, each seen
    from a deterministic forecast day 0–365 days before the show."""
    targets = concert_targets(
        reader,
        "c.status = 'completed' AND CAST(c.event_date AS DATE) < ?",
        TRAIN_AS_OF,
        [today],
        sources,
    )
    feats = build_features(reader, targets, sources)
    return feats.append_column("actual", targets["actual"]).append_column(
        "concert_id", targets["concert_id"]
    )


def _fit(x: np.ndarray, y: np.ndarray, params: dict[str, Any], rounds: int) -> Any:
    import lightgbm as lgb

    cat = list(range(len(NUMERIC), len(FEATURES)))
    data = lgb.Dataset(x, y, categorical_feature=cat, free_raw_data=False)
    return lgb.train(params, data, num_boost_round=rounds)


def train_forecaster(reader: Reader, today: dt.date) -> TrainedForecaster:
    """Train on the concerts completed before ``today``; calibrate on the latest quarter."""
    from threadpoolctl import threadpool_limits

    started = time.perf_counter()
    table = training_features(reader, today)
    table = table.filter(pa.compute.is_valid(table["actual"]))
    table = table.sort_by([("show_date", "ascending"), ("row_id", "ascending")])
    n = table.num_rows
    if n < 40:
        from greenroom.insights.forecast.exceptions import ForecastInputError

        raise ForecastInputError(
            f"only {n} completed concerts before `{today}`; a forecaster needs at least 40."
        )
    levels = {
        name: sorted({v for v in table[name].to_pylist() if v is not None}) for name in CATEGORICAL
    }
    x = to_matrix(table, levels)
    y = np.log1p(np.asarray(table["actual"].to_numpy(zero_copy_only=False), dtype=np.float64))
    off = _offset(table)
    split = int(n * (1 - CALIBRATION_SHARE))
    with threadpool_limits(1):
        mu = _fit(x[:split], (y - off)[:split], PARAMS, ROUNDS)
        oof = np.empty(split)
        folds = np.arange(split) % 3
        for k in range(3):
            part = _fit(x[:split][folds != k], (y - off)[:split][folds != k], PARAMS, ROUNDS)
            oof[folds == k] = part.predict(x[:split][folds == k]) + off[:split][folds == k]
        scale_params = {**PARAMS, "objective": "regression", "num_leaves": 7}
        sigma = _fit(x[:split], np.abs(y[:split] - oof), scale_params, SCALE_ROUNDS)
        mu_cal = mu.predict(x[split:]) + off[split:]
        if REFIT:  # the point and scale models see every concert once calibrated
            mu = _fit(x, y - off, PARAMS, ROUNDS)
        sigma_cal = np.maximum(sigma.predict(x[split:]), 1e-3)
    scores = np.sort(np.abs(y[split:] - mu_cal) / sigma_cal)
    cal_pred = np.expm1(mu_cal)
    cal_true = np.expm1(y[split:])
    metrics = {
        "train_rows": float(split),
        "calibration_rows": float(n - split),
        "calibration_mae": float(np.mean(np.abs(cal_pred - cal_true))),
    }
    doc = {
        "format": 1,
        "model_type": MODEL_TYPE,
        "today": today.isoformat(),
        "params": PARAMS,
        "metrics": metrics,
        "features": list(FEATURES),
        "levels": levels,
        "scores": scores.tolist(),
        "mu": mu.model_to_string(),
        "sigma": sigma.model_to_string(),
    }
    model = TrainedForecaster.from_artefact(json.dumps(doc, sort_keys=True).encode())
    seconds = round(time.perf_counter() - started, 2)
    return replace(model, metrics={**model.metrics, "train_seconds": seconds})
