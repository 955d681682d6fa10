"""Entity resolution of artists and venues across and within sources (Splink on DuckDB).

    from greenroom.pipeline.resolution import resolve
    result = resolve("artist", records)   # records: one row per source record
    result.clusters  # source, source_record_id, entity_id (stable canonical id)
    result.pairs     # the linked pairs with their match weights and per-comparison evidence
    result.params    # the trained model (prior, m/u per comparison level)

One module per concern: ``prepare`` (features), ``settings`` (Splink comparisons and
blocking per entity), ``engine`` (train, predict, cluster), ``ids`` (stable ids),
``evidence`` (pairs and model for the ops tables), ``scoring`` (pairwise precision/recall).
See docs/entity-resolution.md.
"""

from greenroom.pipeline.resolution.engine import DEFAULT_THRESHOLD, Resolution, resolve
from greenroom.pipeline.resolution.evidence import PAIRS_SCHEMA
from greenroom.pipeline.resolution.exceptions import RecordsError, ResolutionFailedError
from greenroom.pipeline.resolution.prepare import COLUMNS, Entity
from greenroom.pipeline.resolution.scoring import pairwise_scores

__all__ = [
    "COLUMNS",
    "DEFAULT_THRESHOLD",
    "PAIRS_SCHEMA",
    "Entity",
    "RecordsError",
    "Resolution",
    "ResolutionFailedError",
    "pairwise_scores",
    "resolve",
]
