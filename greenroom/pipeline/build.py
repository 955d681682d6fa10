"""Build silver and gold from bronze by running the SQL models in order.

Foundation version: every run rebuilds every model (one atomic overwrite per table).
The job runner of the pipeline issue adds retries, run logs and incremental runs on top.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa

from greenroom import reference
from greenroom.pipeline.models import MODELS, Model

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse, Session


@dataclass(frozen=True)
class ModelResult:
    model: str
    rows: int
    seconds: float
    snapshot_id: int | None


@dataclass(frozen=True)
class BuildResult:
    run_at: dt.datetime
    models: list[ModelResult] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(m.seconds for m in self.models)


def register_context(session: Session, settings: Settings, run_at: dt.datetime) -> None:
    """The relations every model may use besides lakehouse tables."""
    for name in reference.NAMES:
        session.register(f"ref_{name}", reference.load(name))
    session.register(
        "params",
        pa.table(
            {
                "today": pa.array([settings.today], pa.date32()),
                "run_at": pa.array([run_at], pa.timestamp("us", tz="UTC")),
            }
        ),
    )


def run_model(lake: Lakehouse, session: Session, model: Model) -> ModelResult:
    started = time.perf_counter()
    result = session.sql(model.sql())
    snapshot_id = None
    if model.materialized == "ephemeral":
        session.register(model.name, result)
    else:
        lake.create_table(model.name, result.schema, partition_by=model.partition_by)
        snapshot_id = lake.overwrite(model.name, result)
    return ModelResult(model.name, result.num_rows, time.perf_counter() - started, snapshot_id)


def build(
    lake: Lakehouse,
    settings: Settings,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Run every model against the current bronze tables; return what each produced."""
    run_at = dt.datetime.now(dt.UTC)
    out = BuildResult(run_at)
    with lake.session() as session:
        register_context(session, settings, run_at)
        for model in MODELS:
            if progress and model.materialized == "table":
                progress(f"building {model.name}")
            out.models.append(run_model(lake, session, model))
    return out
