"""Training jobs: each model's trainer, run as the `system` principal and registered.

`train(lake, settings, name)` reads the silver tables through the lake's plain session (a
platform job, like the pipeline), records the Iceberg snapshot id of every table it read
(so the version can be retrained exactly, `ModelRegistry.training_inputs`), and hands the
result to the registry, which serves it only if it beats the serving version on its
primary backtest metric. A training that fails is recorded as `failed` and changes
nothing served (the seed's rollback).

The same function is the SageMaker training entry point: a training job runs
`python -m greenroom.insights.train MODEL` with `GREENROOM_HOME` (or the AWS profile's
catalog settings) in its environment; see docs/insights.md.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from greenroom.errors import UserError

if TYPE_CHECKING:
    import datetime as dt

    import pyarrow as pa

    from greenroom.config import Settings
    from greenroom.insights.registry import ModelVersion, TrainedModel
    from greenroom.lake import Lakehouse
    from greenroom.lake.reader import Reader

RECOMMENDER = "recommender"
FORECAST = "ticket_sales_forecast"
DRIFT_SAMPLE_ROWS = 2000
"""Rows of training features kept with a version, to measure drift against."""
FORECAST_DRIFT_FEATURES = (
    "popularity_score", "log_capacity", "weekday", "month", "days_ahead",
    "price_min", "price_max", "n_tiers", "primary_genre", "venue_type", "country",
)  # fmt: skip
"""The forecaster's features that describe the concert being forecast. Its history
aggregates (`a_*`, `v_*`, `g_*`, `all_mean_log`) grow with the calendar by construction, so
their PSI between training rows (seen from past dates) and today's would flag time itself,
not a change in the shows being asked about; they are left out of the drift check."""

_INPUTS: dict[str, tuple[str, ...]] = {
    FORECAST: ("silver.concerts", "silver.ticket_sales", "silver.artists", "silver.venues"),
    RECOMMENDER: (
        "silver.ticket_sales",
        "silver.concerts",
        "silver.artists",
        "silver.venues",
        "silver.customers",
    ),
}
"""The tables each trainer reads: their snapshot ids are recorded with the version."""


def _recommender(lake: Lakehouse, settings: Settings) -> TrainedModel:
    from greenroom.insights.recommend import train_recommender
    from greenroom.insights.registry import Trained

    with lake.session() as reader:
        model = train_recommender(reader, settings.today)
    flat = {
        f"{scorer}.{metric}": value
        for scorer, values in model.metrics.items()
        for metric, value in values.items()
    }
    flat["training_seconds"] = model.training_seconds
    return Trained(
        name=RECOMMENDER,
        params={**model.params, "today": settings.today.isoformat()},
        metrics=flat,
        primary_metric="hybrid.hit_rate@10",
        direction="higher",
        features=("als_customer_artist", "content_city_genre", "popularity"),
        artefact=model.to_bytes(),
        snapshots=_snapshots(lake, _INPUTS[RECOMMENDER]),
    )


def _forecaster(lake: Lakehouse, settings: Settings) -> TrainedModel:
    from greenroom.insights.forecast import train_forecaster
    from greenroom.insights.registry import Trained

    with lake.session() as reader:
        model = train_forecaster(reader, settings.today)
        sample = forecast_training_sample(reader, settings.today)
    return Trained(
        name=FORECAST,
        params={**model.params, "today": settings.today.isoformat()},
        metrics=dict(model.metrics),
        primary_metric="calibration_mae",
        direction="lower",
        features=model.features,
        artefact=model.artefact,
        snapshots=_snapshots(lake, _INPUTS[FORECAST]),
        feature_sample=sample,
    )


def _sample(table: pa.Table) -> pa.Table:
    step = max(1, table.num_rows // DRIFT_SAMPLE_ROWS)
    return table.take(list(range(0, table.num_rows, step))[:DRIFT_SAMPLE_ROWS])


def forecast_training_sample(reader: Reader, today: dt.date) -> pa.Table:
    """A deterministic sample of the features the forecaster trained on (completed concerts
    seen from before their show): the reference drift is measured against."""
    from greenroom.insights.forecast.model import training_features

    return _sample(training_features(reader, today).select(list(FORECAST_DRIFT_FEATURES)))


def forecast_serving_features(reader: Reader, today: dt.date) -> pa.Table:
    """The features of the concerts the forecaster is asked about now (scheduled ones, as
    of `today`): compared with the training sample, their drift says when to retrain."""
    from greenroom.insights.forecast.features import build_features, concert_targets

    targets = concert_targets(reader, "c.status = 'scheduled'", "?::DATE", [today])
    return _sample(build_features(reader, targets).select(list(FORECAST_DRIFT_FEATURES)))


TRAINERS: dict[str, Callable[[Lakehouse, Settings], TrainedModel]] = {
    FORECAST: _forecaster,
    RECOMMENDER: _recommender,
}
"""Every model greenroom trains, by its registry name."""


def train(lake: Lakehouse, settings: Settings, name: str) -> ModelVersion:
    """Train `name` on the lake as it is now and register the result (or the failure)."""
    from greenroom.insights.registry import ModelRegistry

    trainer = TRAINERS.get(name)
    if trainer is None:
        raise UserError(f"no model `{name}`; greenroom trains {', '.join(sorted(TRAINERS))}")
    return ModelRegistry(lake, settings).train(name, lambda: trainer(lake, settings))


def _snapshots(lake: Lakehouse, tables: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for table in tables:
        snapshot = lake.load_table(table).metadata.current_snapshot_id
        if snapshot is not None:
            out[table] = snapshot
    return out


def main(argv: list[str] | None = None) -> int:
    """`python -m greenroom.insights.train [MODEL …]`: the training job's entry point."""
    from greenroom.config import get_settings
    from greenroom.lake import Lakehouse

    names = (argv if argv is not None else sys.argv[1:]) or sorted(TRAINERS)
    settings = get_settings()
    lake = Lakehouse.open(settings)
    failed = 0
    for name in names:
        version = train(lake, settings, name)
        print(f"{name} v{version.version}: {version.status}")
        failed += version.status == "failed"
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
