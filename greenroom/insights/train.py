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
    from greenroom.config import Settings
    from greenroom.insights.registry import ModelVersion, TrainedModel
    from greenroom.lake import Lakehouse

RECOMMENDER = "recommender"

_INPUTS: dict[str, tuple[str, ...]] = {
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


TRAINERS: dict[str, Callable[[Lakehouse, Settings], TrainedModel]] = {
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
