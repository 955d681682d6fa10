"""Pairwise precision and recall of predicted clusters against the true entities.

A pair is two records in one cluster. Precision = true pairs found / pairs predicted,
recall = true pairs found / true pairs. Counted per cluster intersection (n·(n−1)/2 per
group), never pair by pair. Only records present in both tables are scored.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc


def _pairs(table: pa.Table, keys: list[str]) -> int:
    sizes = table.group_by(keys, use_threads=False).aggregate([([], "count_all")])["count_all"]
    n = pc.cast(sizes, pa.int64())
    return int(pc.sum(pc.divide(pc.multiply(n, pc.subtract(n, 1)), 2)).as_py() or 0)


def pairwise_scores(clusters: pa.Table, truth_entities: pa.Table) -> tuple[float, float, float]:
    """``(precision, recall, f1)`` of ``clusters(source, source_record_id, entity_id)``
    against ``truth_entities(source, source_record_id, true_entity_id)``.

    With no predicted (or no true) pairs, precision (recall) is 1.0 by convention.
    """
    pred = clusters.select(["source", "source_record_id", "entity_id"])
    true = truth_entities.select(["source", "source_record_id", "true_entity_id"])
    both = pred.join(true, ["source", "source_record_id"], join_type="inner", use_threads=False)
    found = _pairs(both, ["entity_id", "true_entity_id"])
    predicted, actual = _pairs(both, ["entity_id"]), _pairs(both, ["true_entity_id"])
    precision = found / predicted if predicted else 1.0
    recall = found / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
