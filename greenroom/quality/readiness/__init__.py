"""The data-readiness scorecard: what made the lake's data ready for AI, per source feed
and per silver/gold table, computed from the lake's own records (docs/readiness.md).

- :func:`readiness_report` — every dimension of every table, with the evidence numbers;
- :func:`merged_cluster` — one entity-resolution cluster, record by record;
- :func:`follow_record` — one ticket sale from the raw bytes to the gold numbers.
"""

from greenroom.quality.readiness.cluster import merged_cluster
from greenroom.quality.readiness.exceptions import (
    LakeEmptyError,
    ReadinessError,
    RecordNotFoundError,
)
from greenroom.quality.readiness.journey import follow_record
from greenroom.quality.readiness.records import (
    DIMENSIONS,
    ClusterRecord,
    Dimension,
    FollowedRecord,
    MatchPair,
    MergedCluster,
    ReadinessReport,
    TableReadiness,
)
from greenroom.quality.readiness.report import readiness_report

__all__ = [
    "DIMENSIONS",
    "ClusterRecord",
    "Dimension",
    "FollowedRecord",
    "LakeEmptyError",
    "MatchPair",
    "MergedCluster",
    "ReadinessError",
    "ReadinessReport",
    "RecordNotFoundError",
    "TableReadiness",
    "follow_record",
    "merged_cluster",
    "readiness_report",
]
