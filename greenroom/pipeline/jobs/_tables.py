"""The tables several jobs write a part of: the crosswalk, the rejects, the ER evidence.

Each is partitioned by `entity_type`; a job replaces only its own entity type's rows (one
commit, skipped when they are unchanged).

- `silver.entity_xref` (CONTRACT.md): `entity_type, entity_id, source, source_record_id`,
  plus `name` (the record's repaired name) and `match_key` (its compact name key) for
  artists and venues: the keys a bare name in a concert feed is looked up by.
- `ops.silver_rejects`: one row per source record that could not enter silver although
  ingestion accepted it, with `reason` and `detail` (see docs/pipeline.md).
- `ops.entity_match_pairs`: the scored pairs of the last resolution with their evidence;
  `ops.entity_resolution_models`: the trained model (JSON) per entity type.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from greenroom.pipeline.lineage import ColumnLineage
from greenroom.pipeline.resolution import Resolution

if TYPE_CHECKING:
    from greenroom.pipeline.job import JobContext

XREF = "silver.entity_xref"
REJECTS = "ops.silver_rejects"
PAIRS = "ops.entity_match_pairs"
MODELS = "ops.entity_resolution_models"
BY_TYPE = (("entity_type", "identity"),)
_TS = pa.timestamp("us", tz="UTC")

XREF_SCHEMA = pa.schema(
    [
        ("entity_type", pa.string()),
        ("entity_id", pa.string()),
        ("source", pa.string()),
        ("source_record_id", pa.string()),
        ("name", pa.string()),
        ("match_key", pa.string()),
    ]
)
REJECTS_SCHEMA = pa.schema(
    [
        ("entity_type", pa.string()),
        ("source", pa.string()),
        ("source_record_id", pa.string()),
        ("entity_id", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("batch_id", pa.string()),
        ("ingested_at", _TS),
        ("rejected_at", _TS),
        ("run_id", pa.string()),
    ]
)
MODELS_SCHEMA = pa.schema(
    [
        ("entity_type", pa.string()),
        ("records", pa.int64()),
        ("trained", pa.bool_()),
        ("threshold", pa.float64()),
        ("params", pa.string()),
        ("run_id", pa.string()),
        ("resolved_at", _TS),
    ]
)


def _constant(value: object, n: int, type_: pa.DataType) -> pa.Array:
    return pa.array(np.full(n, value, dtype=object), type_)


def _shaped(data: pa.Table, schema: pa.Schema, fill: dict[str, object]) -> pa.Table:
    n = data.num_rows
    columns = []
    for f in schema:
        if f.name in fill:
            columns.append(_constant(fill[f.name], n, f.type))
        elif f.name in data.column_names:
            columns.append(data[f.name].cast(f.type))
        else:
            columns.append(pa.nulls(n, f.type))
    return pa.table(columns, schema=schema)


def write_xref(ctx: JobContext, entity_type: str, rows: pa.Table) -> None:
    """Replace the crosswalk rows of `entity_type` by `rows` (entity_id, source,
    source_record_id, optionally name and match_key)."""
    data = _shaped(rows, XREF_SCHEMA, {"entity_type": entity_type})
    ctx.write(
        XREF, data, where=f"entity_type = '{entity_type}'", partition_by=BY_TYPE, compare=True
    )


_XREF_SOURCES = (
    ("artist_map", "artist_id"),
    ("venue_map", "venue_id"),
    ("stg_concerts", "concert_id"),
    ("stg_customers", "customer_id"),
)
XREF_LINEAGE = ColumnLineage(
    XREF,
    code=write_xref,
    materialized="table",
    columns={
        "entity_type": tuple(rel for rel, _ in _XREF_SOURCES),
        "entity_id": tuple(f"{rel}.{col}" for rel, col in _XREF_SOURCES),
        "source": tuple(f"{rel}.source" for rel, _ in _XREF_SOURCES),
        "source_record_id": tuple(f"{rel}.source_record_id" for rel, _ in _XREF_SOURCES),
        "name": ("artist_map.name", "venue_map.name"),
        "match_key": ("artist_map.match_key", "venue_map.match_key"),
    },
    identity=frozenset({"entity_id", "source", "source_record_id", "name", "match_key"}),
)
"""The whole crosswalk, from the relation each of its writers maps (they all list it)."""


def write_rejects(
    ctx: JobContext, entity_type: str, rows: pa.Table, *, append: bool = False
) -> None:
    """Replace (or add to) the rejects of `entity_type`."""
    data = _shaped(rows, REJECTS_SCHEMA, {"entity_type": entity_type, "run_id": ctx.run_id})
    if append:
        if data.num_rows:
            ctx.write(REJECTS, data, append=True, partition_by=BY_TYPE)
        return
    ctx.write(
        REJECTS, data, where=f"entity_type = '{entity_type}'", partition_by=BY_TYPE,
        compare=True, volatile=("rejected_at", "run_id"),
    )  # fmt: skip


PAIRS_SQL = """
SELECT * REPLACE (
    round(match_weight, 6) AS match_weight,
    round(match_probability, 9) AS match_probability,
    list_transform(evidence, lambda e: {
        'comparison': e.comparison, 'level': e.level, 'match_weight': round(e.match_weight, 6)
    }) AS evidence
)
FROM resolution_pairs
"""


def _rounded(value: object) -> object:
    """Floats to 12 significant digits: EM's last bits differ between processes."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def write_evidence(ctx: JobContext, entity_type: str, result: Resolution) -> None:
    """The scored pairs and the model of one resolution, replacing the previous ones.

    Weights are rounded (pairs to 1e-6, the model to 12 significant digits): training is
    deterministic up to the last bits of a float, which must not count as a change.
    """
    ctx.register("resolution_pairs", result.pairs)
    pairs = ctx.session.sql(PAIRS_SQL).cast(result.pairs.schema)
    n = pairs.num_rows
    pairs = pairs.append_column("run_id", _constant(ctx.run_id, n, pa.string()))
    pairs = pairs.append_column("resolved_at", _constant(ctx.run_at, n, _TS))
    ctx.write(
        PAIRS, pairs, where=f"entity_type = '{entity_type}'", partition_by=BY_TYPE,
        compare=True, volatile=("run_id", "resolved_at"),
    )  # fmt: skip
    params = _rounded(result.params)
    assert isinstance(params, dict)
    model = pa.Table.from_pylist(
        [
            {
                "entity_type": entity_type,
                "records": int(str(params.get("records", 0))),
                "trained": bool(params.get("trained", False)),
                "threshold": float(str(params.get("threshold_match_probability", 0.0))),
                "params": json.dumps(params, sort_keys=True, default=str),
                "run_id": ctx.run_id,
                "resolved_at": ctx.run_at,
            }
        ],
        schema=MODELS_SCHEMA,
    )
    ctx.write(
        MODELS, model, where=f"entity_type = '{entity_type}'", partition_by=BY_TYPE,
        compare=True, volatile=("run_id", "resolved_at"),
    )  # fmt: skip
