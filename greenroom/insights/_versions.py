"""`ops.models`: the registry's append-only event log, and the fold that reads it.

Every change is a new row (never an update): `registered`, `failed`, `promoted`, `retired`,
`rollback`. Each row carries the whole record of one version with the status it has
*after* the event, and `seq`, the model's event number (given out under the model's lock,
so it orders a model's events exactly). A version's current record is its row with the
highest `seq`; the serving history (for `rollback`) is replayed from the rows in `seq` order.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa

TABLE = "ops.models"
Status = Literal["candidate", "serving", "retired", "failed"]
Event = Literal["registered", "failed", "promoted", "retired", "rollback"]
Direction = Literal["lower", "higher"]
_TS = pa.timestamp("us", tz="UTC")

SCHEMA = pa.schema(
    [
        ("name", pa.string()),
        ("version", pa.int32()),
        ("seq", pa.int64()),
        ("event", pa.string()),
        ("status", pa.string()),
        ("created_at", _TS),
        ("recorded_at", _TS),
        ("promoted_at", _TS),
        ("primary_metric", pa.string()),
        ("direction", pa.string()),
        ("primary_value", pa.float64()),
        ("params", pa.string()),
        ("metrics", pa.string()),
        ("features", pa.list_(pa.string())),
        ("snapshots", pa.string()),
        ("artefact_path", pa.string()),
        ("artefact_sha256", pa.string()),
        ("sample_path", pa.string()),
        ("error", pa.string()),
        ("note", pa.string()),
    ]
)


@dataclass(frozen=True)
class ModelVersion:
    """One version of a model as the registry knows it now (its newest `ops.models` row)."""

    name: str
    version: int
    status: Status
    created_at: dt.datetime
    primary_metric: str
    direction: Direction
    primary_value: float | None
    params: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    features: tuple[str, ...] = ()
    snapshots: dict[str, int] = field(default_factory=dict)
    """Table → Iceberg snapshot id the version was trained on (read them to retrain it)."""
    artefact_path: str | None = None
    artefact_sha256: str | None = None
    sample_path: str | None = None
    promoted_at: dt.datetime | None = None
    error: str | None = None
    note: str | None = None
    seq: int = 0

    def row(self, seq: int, event: Event, at: dt.datetime, **changes: Any) -> dict[str, Any]:
        """This version's record as an `ops.models` row for `event`, with `changes` applied."""
        values: dict[str, Any] = {
            "name": self.name,
            "version": self.version,
            "status": self.status,
            "created_at": self.created_at,
            "promoted_at": self.promoted_at,
            "primary_metric": self.primary_metric,
            "direction": self.direction,
            "primary_value": self.primary_value,
            "params": json.dumps(self.params, sort_keys=True, default=str),
            "metrics": json.dumps(self.metrics, sort_keys=True),
            "features": list(self.features),
            "snapshots": json.dumps(self.snapshots, sort_keys=True),
            "artefact_path": self.artefact_path,
            "artefact_sha256": self.artefact_sha256,
            "sample_path": self.sample_path,
            "error": self.error,
            "note": None,
        }
        values.update(changes)
        return {**values, "seq": seq, "event": event, "recorded_at": at}


def to_table(rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=SCHEMA)


def _version(row: Mapping[str, Any]) -> ModelVersion:
    return ModelVersion(
        name=row["name"],
        version=int(row["version"]),
        status=row["status"],
        created_at=row["created_at"],
        primary_metric=row["primary_metric"],
        direction=row["direction"],
        primary_value=row["primary_value"],
        params=json.loads(row["params"] or "{}"),
        metrics=json.loads(row["metrics"] or "{}"),
        features=tuple(row["features"] or ()),
        snapshots={k: int(v) for k, v in json.loads(row["snapshots"] or "{}").items()},
        artefact_path=row["artefact_path"],
        artefact_sha256=row["artefact_sha256"],
        sample_path=row["sample_path"],
        promoted_at=row["promoted_at"],
        error=row["error"],
        note=row["note"],
        seq=int(row["seq"]),
    )


@dataclass(frozen=True)
class ModelState:
    """Everything `ops.models` says about one model, folded from its rows."""

    name: str
    versions: dict[int, ModelVersion]
    """Version → its current record, oldest version first."""
    history: tuple[int, ...]
    """The serving stack: promotions push, a rollback pops back to its target."""
    last_seq: int

    @property
    def serving(self) -> ModelVersion | None:
        serving = [v for v in self.versions.values() if v.status == "serving"]
        return max(serving, key=lambda v: v.seq) if serving else None

    @property
    def previous(self) -> int | None:
        """The version that served before the current one (what `rollback` returns to)."""
        return self.history[-2] if len(self.history) >= 2 else None


def fold(name: str, table: pa.Table) -> ModelState:
    """The state of model `name` from its `ops.models` rows (any order)."""
    rows = sorted(table.to_pylist(), key=lambda r: r["seq"])
    versions: dict[int, ModelVersion] = {}
    history: list[int] = []
    for row in rows:
        record = _version(row)
        versions[record.version] = record
        if record.status != "serving":
            continue
        if row["event"] == "rollback" and record.version in history:
            del history[history.index(record.version) + 1 :]
        else:
            history.append(record.version)
    ordered = {v: versions[v] for v in sorted(versions)}
    last_seq = rows[-1]["seq"] if rows else 0
    return ModelState(name, ordered, tuple(history), int(last_seq))


def beats(candidate: ModelVersion, serving: ModelVersion | None) -> bool:
    """True when `candidate` is strictly better than `serving` on its primary metric.

    Nothing serving: any candidate with a finite primary value wins. A serving version
    that lacks the candidate's primary metric cannot be compared: the candidate waits for
    an explicit `rollback --to`.
    """
    value = candidate.primary_value
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return False
    if serving is None:
        return True
    theirs = serving.metrics.get(candidate.primary_metric)
    if theirs is None:
        return False
    if theirs != theirs:  # a NaN serving metric loses to any finite one
        return True
    return value < theirs if candidate.direction == "lower" else value > theirs
