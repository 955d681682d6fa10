"""What explains a merge: the linked pairs with per-comparison evidence, and the model.

``pairs`` are the scored pairs at or above the threshold; ``linked`` says whether the pair
joined the two records (false: a better match in the same source won). Rows carry ``evidence``: one ``{comparison, level, match_weight}`` per comparison
(e.g. ``name / one edit / +9.1``); the pair's ``match_weight`` is the prior's weight plus
their sum. ``params`` summarises the trained model: the prior and, per comparison level,
its m and u probabilities and match weight log2(m/u).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

EVIDENCE = pa.struct(
    [("comparison", pa.string()), ("level", pa.string()), ("match_weight", pa.float64())]
)
PAIRS_SCHEMA = pa.schema(
    [
        ("entity_type", pa.string()),
        ("left_source", pa.string()),
        ("left_record_id", pa.string()),
        ("right_source", pa.string()),
        ("right_record_id", pa.string()),
        ("match_weight", pa.float64()),
        ("match_probability", pa.float64()),
        ("linked", pa.bool_()),
        ("evidence", pa.list_(EVIDENCE)),
    ]
)


def gamma_labels(comparison: dict[str, Any]) -> list[str]:
    """Level labels indexed by Splink's comparison vector value + 1 (null level = −1,
    then the other levels count down to 0 for ELSE)."""
    levels = comparison["comparison_levels"]
    others = [lv["label_for_charts"] for lv in levels if not lv.get("is_null_level")]
    nulls = [lv["label_for_charts"] for lv in levels if lv.get("is_null_level")]
    return [nulls[0] if nulls else "missing", *reversed(others)]


def _evidence(scored: pa.Table, comparisons: list[dict[str, Any]]) -> pa.Array:
    n, k = scored.num_rows, len(comparisons)
    names, levels, weights = [], [], []
    for comparison in comparisons:
        col = comparison["output_column_name"]
        labels = pa.array(gamma_labels(comparison), pa.string())
        names.append(pa.array(np.full(n, col, dtype=object), pa.string()))
        levels.append(pc.take(labels, pc.add(pc.cast(scored[f"gamma_{col}"], pa.int64()), 1)))
        weights.append(pc.cast(scored[f"mw_{col}"], pa.float64()))
    order = pa.array(np.arange(n * k).reshape(k, n).T.reshape(-1), pa.int64())

    def interleave(parts: list[Any]) -> pa.Array:
        return pc.take(
            pa.concat_arrays([pa.chunked_array(p).combine_chunks() for p in parts]), order
        )

    values = pa.StructArray.from_arrays(
        [interleave(names), interleave(levels), interleave(weights)], fields=list(EVIDENCE)
    )
    offsets = pa.array(np.arange(0, n * k + 1, k, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, values, type=pa.list_(EVIDENCE))


def pairs(entity: str, scored: pa.Table | None, trained: dict[str, Any] | None) -> pa.Table:
    """Splink's scored pairs as the ops table shape, strongest first."""
    if scored is None or trained is None or scored.num_rows == 0:
        return PAIRS_SCHEMA.empty_table()
    table = pa.table(
        {
            "entity_type": pa.array(np.full(scored.num_rows, entity, dtype=object), pa.string()),
            "left_source": scored["source_l"],
            "left_record_id": scored["source_record_id_l"],
            "right_source": scored["source_r"],
            "right_record_id": scored["source_record_id_r"],
            "match_weight": scored["match_weight"],
            "match_probability": scored["match_probability"],
            "linked": scored["linked"],
            "evidence": _evidence(scored, trained["comparisons"]),
        }
    ).cast(PAIRS_SCHEMA)
    return table.sort_by(
        [
            ("match_weight", "descending"),
            ("left_source", "ascending"),
            ("left_record_id", "ascending"),
            ("right_source", "ascending"),
            ("right_record_id", "ascending"),
        ]
    )


def _weight(m: float | None, u: float | None) -> float | None:
    if m is None or u is None or m <= 0 or u <= 0:
        return None
    return math.log2(m / u)


def params(trained: dict[str, Any] | None, threshold: float) -> dict[str, object]:
    """The trained model in a small JSON-able form (for ops tables and docs)."""
    summary: dict[str, object] = {"threshold_match_probability": threshold}
    if trained is None:
        return summary
    prior = float(trained["probability_two_random_records_match"])
    comparisons: dict[str, list[dict[str, object]]] = {}
    for comparison in trained["comparisons"]:
        rows: list[dict[str, object]] = []
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            rows.append(
                {
                    "level": level["label_for_charts"],
                    "sql": level["sql_condition"],
                    "m": m,
                    "u": u,
                    "match_weight": _weight(m, u),
                }
            )
        comparisons[comparison["output_column_name"]] = rows
    summary |= {
        "probability_two_random_records_match": prior,
        "prior_match_weight": math.log2(prior / (1 - prior)),
        "blocking_rules": [
            r["blocking_rule"] if isinstance(r, dict) else str(r)
            for r in trained["blocking_rules_to_generate_predictions"]
        ],
        "comparisons": comparisons,
    }
    return summary
