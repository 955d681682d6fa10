"""Fitting incoming Arrow data to a table schema (no lake needed)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from greenroom.lake import SchemaMismatchError
from greenroom.lake._conform import Conformer, iceberg_compatible_schema

TARGET = pa.schema(
    [
        pa.field("id", pa.int64(), nullable=False),
        pa.field("name", pa.large_string()),
        pa.field("at", pa.timestamp("us", tz="UTC")),
        pa.field("tags", pa.large_list(pa.large_string())),
    ]
)


def test_casts_by_name_and_fills_missing_nullable_columns() -> None:
    source = pa.table(
        {
            "tags": pa.array([["x"], None], pa.list_(pa.string())),
            "id": pa.array([1, 2], pa.int32()),
            "at": pa.array([dt.datetime(2024, 1, 1, 0, 0, 0, 1)] * 2, pa.timestamp("ns", tz="UTC")),
        }
    )
    out = Conformer("t", TARGET, source.schema).conform_table(source)
    assert out.schema == TARGET
    assert out["id"].to_pylist() == [1, 2]
    assert out["name"].null_count == 2
    assert out["tags"].to_pylist() == [["x"], None]


def test_streams_batches_lazily() -> None:
    source = pa.table({"id": pa.array(range(10), pa.int64())})
    reader = pa.RecordBatchReader.from_batches(source.schema, source.to_batches(max_chunksize=3))
    out = Conformer("t", TARGET, source.schema).conform_reader(reader)
    assert out.schema == TARGET
    assert out.read_all().num_rows == 10


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (pa.table({"id": [1], "colour": ["red"]}), "column `colour`.*no such column"),
        (pa.table({"name": ["a"]}), "column `id`.*required but missing"),
        (pa.table({"id": pa.array([1, None], pa.int64())}), "column `id`.*values are null"),
        (pa.table({"id": [1], "tags": pa.array([{"a": 1}])}), "column `tags`.*cannot be cast"),
        (pa.table({"id": ["x1"]}), "column `id`"),
    ],
)
def test_incompatible_data_names_the_column(data: pa.Table, match: str) -> None:
    with pytest.raises(SchemaMismatchError, match=match):
        Conformer("silver.t", TARGET, data.schema).conform_table(data)


def test_iceberg_compatible_schema_normalises_unsupported_types() -> None:
    schema = pa.schema(
        [
            ("ns", pa.timestamp("ns")),
            ("ms_tz", pa.timestamp("ms", tz="Europe/Berlin")),
            ("small", pa.int8()),
            ("u32", pa.uint32()),
            ("cat", pa.dictionary(pa.int32(), pa.string())),
            ("l", pa.list_(pa.timestamp("ns"))),
        ]
    )
    out = iceberg_compatible_schema(schema)
    assert out.types == [
        pa.timestamp("us"),
        pa.timestamp("us", tz="UTC"),
        pa.int32(),
        pa.int64(),
        pa.string(),
        pa.large_list(pa.field("item", pa.timestamp("us"))),
    ]
