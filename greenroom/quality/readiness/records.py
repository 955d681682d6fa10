"""The scorecard's records: frozen dataclasses with a JSON-friendly `to_dict()`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

DimensionName = Literal[
    "completeness",
    "validity",
    "uniqueness",
    "consistency",
    "timeliness",
    "documentation",
    "lineage",
    "personal_data",
]
DIMENSIONS: tuple[DimensionName, ...] = (
    "completeness",
    "validity",
    "uniqueness",
    "consistency",
    "timeliness",
    "documentation",
    "lineage",
    "personal_data",
)
Layer = Literal["feed", "silver", "gold"]


@dataclass(frozen=True)
class Dimension:
    """One readiness dimension of one table: a score in [0, 1] (None: not applicable or
    not measured) and the numbers it was computed from."""

    name: DimensionName
    score: float | None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"score": _round(self.score), "evidence": dict(self.evidence)}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class TableReadiness:
    """A source feed (its bronze table) or a silver/gold table, scored per dimension."""

    table: str
    layer: Layer
    rows: int
    dimensions: tuple[Dimension, ...]
    feed: str | None = None

    def dimension(self, name: DimensionName) -> Dimension:
        return next(d for d in self.dimensions if d.name == name)

    @property
    def overall(self) -> float | None:
        """The mean of the dimensions that have a score."""
        scores = [d.score for d in self.dimensions if d.score is not None]
        return sum(scores) / len(scores) if scores else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "layer": self.layer,
            "feed": self.feed,
            "rows": self.rows,
            "overall": _round(self.overall),
            "dimensions": {d.name: d.to_dict() for d in self.dimensions},
        }


@dataclass(frozen=True)
class ClusterRecord:
    """One source record resolved into the cluster's canonical entity."""

    source: str
    source_record_id: str
    name: str | None
    match_probability: float | None
    """The highest probability the matcher gave a link from this record to another one of
    the cluster (None: the record was linked by no scored pair)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "source_record_id": self.source_record_id,
            "name": self.name,
            "match_probability": _round(self.match_probability, 6),
        }


@dataclass(frozen=True)
class MatchPair:
    left_source: str
    left_record_id: str
    right_source: str
    right_record_id: str
    match_probability: float
    linked: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "left": f"{self.left_source}:{self.left_record_id}",
            "right": f"{self.right_source}:{self.right_record_id}",
            "match_probability": _round(self.match_probability, 6),
            "linked": self.linked,
        }


@dataclass(frozen=True)
class MergedCluster:
    """Source records that became one silver artist or venue."""

    entity_type: str
    entity_id: str
    canonical_name: str | None
    records: tuple[ClusterRecord, ...]
    pairs: tuple[MatchPair, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "canonical_name": self.canonical_name,
            "records": [r.to_dict() for r in self.records],
            "pairs": [p.to_dict() for p in self.pairs],
        }


@dataclass(frozen=True)
class FollowedRecord:
    """One ticket sale from the raw bytes as received to the gold numbers it feeds."""

    sale_id: str
    raw: Mapping[str, Any]
    """`path`, `line_number` and `line` of the raw file as received (`line` None when the
    file is not on this machine), plus the batch's checksum."""
    bronze: Mapping[str, Any]
    silver: Mapping[str, Any]
    concert: Mapping[str, Any]
    gold: Mapping[str, Any]
    """`sales_daily` (the row the sale is summed into), `artist_performance`,
    `venue_popularity` rows, and `check`: the same sums recomputed from silver."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "sale_id": self.sale_id,
            "raw": dict(self.raw),
            "bronze": dict(self.bronze),
            "silver": dict(self.silver),
            "concert": dict(self.concert),
            "gold": {k: v for k, v in self.gold.items()},
        }


@dataclass(frozen=True)
class ReadinessReport:
    """The scorecard: every feed and silver/gold table, plus the journey page's stories."""

    pipeline_run_id: str | None
    quality_run_id: str | None
    tables: tuple[TableReadiness, ...]
    cluster: MergedCluster | None = None
    journey: FollowedRecord | None = None

    def table(self, name: str) -> TableReadiness:
        return next(t for t in self.tables if t.table == name or t.feed == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pipeline_run_id": self.pipeline_run_id,
            "quality_run_id": self.quality_run_id,
            "tables": [t.to_dict() for t in self.tables],
            "cluster": self.cluster.to_dict() if self.cluster else None,
            "journey": self.journey.to_dict() if self.journey else None,
        }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)
