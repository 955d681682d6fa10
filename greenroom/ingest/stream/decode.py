"""Stream records → an Arrow table of sale events, plus the records that could not be read.

The fast path parses a whole micro-batch with Arrow's JSON reader against the fixed
`stream_sales` schema. If that fails (a record is not JSON, not an object, or a field has
the wrong type), records are parsed one by one and the bad ones are set aside with their
reasons, so one poison record never blocks the stream. Counts are conserved:
`len(records) == accepted.num_rows + rejected.num_rows`. Business rules (negative prices,
unknown events) are the data contracts' job downstream, not this module's.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from greenroom.ingest.stream.base import StreamRecord

SALE_EVENT_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("event_type", pa.string()),
        ("sale_id", pa.string()),
        ("event_ref", pa.string()),
        ("customer_id", pa.string()),
        ("tier", pa.string()),
        ("quantity", pa.int64()),
        ("unit_price", pa.float64()),
        ("currency", pa.string()),
        ("occurred_at", pa.string()),
        ("emitted_at", pa.string()),
        ("partition_key", pa.string()),
        ("segment", pa.string()),
    ]
)
"""The `stream_sales` event as sent (the synthetic feed adds the customer `segment`);
timestamps stay ISO text until silver parses them. Absent fields are null."""

STREAM_COLUMNS = pa.schema(
    [
        ("_shard_id", pa.string()),
        ("_sequence_number", pa.string()),
        ("_arrival", pa.timestamp("us", "UTC")),
    ]
)
REJECT_SCHEMA = pa.schema(
    [*STREAM_COLUMNS, ("payload", pa.string()), ("reasons", pa.list_(pa.string()))]
)
_PARSE = pj.ParseOptions(explicit_schema=SALE_EVENT_SCHEMA, unexpected_field_behavior="ignore")


@dataclass(frozen=True)
class DecodedBatch:
    accepted: pa.Table
    """`SALE_EVENT_SCHEMA` columns then `_shard_id`, `_sequence_number`, `_arrival`."""
    rejected: pa.Table
    """`REJECT_SCHEMA`: where the record was, its payload as text, and why."""

    @property
    def received(self) -> int:
        return int(self.accepted.num_rows + self.rejected.num_rows)


def decode_sales(records: Sequence[StreamRecord]) -> DecodedBatch:
    """Decode a micro-batch of sale events; records without a `sale_id` are rejected."""
    table = _parse_all(records)
    reasons: list[list[str]]
    if table is not None:
        rows_of = list(range(len(records)))  # the record behind each table row
        reasons = [[] for _ in records]
    else:
        table, rows_of, reasons = _parse_each(records)
    missing = pc.is_null(table.column("sale_id"))
    if pc.any(missing).as_py():
        flags = missing.to_pylist()
        for row in (i for i, m in enumerate(flags) if m):
            reasons[rows_of[row]].append("missing_required:sale_id")
        table = table.filter(pc.invert(missing))
        rows_of = [i for i, m in zip(rows_of, flags, strict=True) if not m]
    accepted = _with_stream_columns(table, [records[i] for i in rows_of])
    rejected = _rejects([(records[i], why) for i, why in enumerate(reasons) if why])
    return DecodedBatch(accepted, rejected)


def _parse_all(records: Sequence[StreamRecord]) -> pa.Table | None:
    """The whole batch in one go, or None when some record needs a closer look."""
    if not records:
        return SALE_EVENT_SCHEMA.empty_table()
    payload = b"\n".join(r.data for r in records)
    if payload.count(b"\n") != len(records) - 1:  # a record spans lines: not NDJSON-safe
        return None
    try:
        table = pj.read_json(io.BytesIO(payload), parse_options=_PARSE)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    return table if table.num_rows == len(records) else None


def _parse_each(records: Sequence[StreamRecord]) -> tuple[pa.Table, list[int], list[list[str]]]:
    rows: list[dict[str, Any]] = []
    rows_of: list[int] = []
    reasons: list[list[str]] = []
    for i, rec in enumerate(records):
        row = _row_or_problems(rec.data)
        if isinstance(row, dict):
            rows.append(row)
            rows_of.append(i)
            reasons.append([])
        else:
            reasons.append(row)
    return pa.Table.from_pylist(rows, SALE_EVENT_SCHEMA), rows_of, reasons


def _row_or_problems(data: bytes) -> dict[str, Any] | list[str]:
    """The record as a row, or the reasons it cannot be one."""
    try:
        obj = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return ["malformed_json"]
    if not isinstance(obj, dict):
        return ["not_an_object"]
    bad = []
    for f in SALE_EVENT_SCHEMA:
        v = obj.get(f.name)
        if v is None:
            continue
        if pa.types.is_string(f.type):
            ok = isinstance(v, str)
        elif pa.types.is_integer(f.type):
            ok = isinstance(v, int) and not isinstance(v, bool)
        else:
            ok = isinstance(v, int | float) and not isinstance(v, bool)
        if not ok:
            bad.append(f"bad_type:{f.name}")
    return bad or {f.name: obj.get(f.name) for f in SALE_EVENT_SCHEMA}


def _with_stream_columns(table: pa.Table, records: Sequence[StreamRecord]) -> pa.Table:
    cols = _stream_columns(records)
    for field, col in zip(STREAM_COLUMNS, cols, strict=True):
        table = table.append_column(field, col)
    return table


def _stream_columns(records: Sequence[StreamRecord]) -> list[pa.Array]:
    return [
        pa.array([r.shard_id for r in records], pa.string()),
        pa.array([r.sequence_number for r in records], pa.string()),
        pa.array([r.arrival for r in records], pa.timestamp("us", "UTC")),
    ]


def _rejects(bad: list[tuple[StreamRecord, list[str]]]) -> pa.Table:
    records = [r for r, _ in bad]
    cols = _stream_columns(records)
    cols.append(pa.array([r.data.decode("utf-8", "replace") for r in records], pa.string()))
    cols.append(pa.array([why for _, why in bad], pa.list_(pa.string())))
    return pa.Table.from_arrays(cols, schema=REJECT_SCHEMA)
