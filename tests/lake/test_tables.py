"""Lakehouse table I/O on a real lake in tmp_path: create, writes, scans, time travel."""

from __future__ import annotations

import datetime as dt
import time

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from greenroom.lake import (
    ColumnNotFoundError,
    InvalidFilterError,
    InvalidPartitionError,
    InvalidTableNameError,
    Lakehouse,
    SchemaMismatchError,
    SnapshotNotFoundError,
    TableNotFoundError,
)
from tests.lake._data import SALES_SCHEMA, sales

pytestmark = pytest.mark.slow

T = "silver.sales"


@pytest.fixture
def sales_lake(lake: Lakehouse) -> Lakehouse:
    lake.create_table(T, SALES_SCHEMA, partition_by=[("event_date", "month")])
    return lake


def test_create_table_is_idempotent_and_keeps_the_schema(lake: Lakehouse) -> None:
    lake.create_table(T, SALES_SCHEMA, partition_by=[("event_date", "month")])
    lake.create_table(T, SALES_SCHEMA, partition_by=[("event_date", "month")])
    assert lake.exists(T)
    assert lake.schema(T).names == SALES_SCHEMA.names
    assert not lake.schema(T).field("sale_id").nullable
    assert [i.name for i in lake.list_tables()] == [T]


def test_names_are_validated_and_case_insensitive(lake: Lakehouse) -> None:
    with pytest.raises(InvalidTableNameError, match="namespace `nowhere`"):
        lake.create_table("nowhere.t", SALES_SCHEMA)
    with pytest.raises(InvalidTableNameError, match=r"namespace\.table"):
        lake.exists("just_a_name")
    lake.create_table("Gold.Thing", SALES_SCHEMA)
    assert lake.exists("gold.thing")


def test_bad_partition_spec_is_a_clear_error(lake: Lakehouse) -> None:
    with pytest.raises(InvalidPartitionError, match="`nope`"):
        lake.create_table(T, SALES_SCHEMA, partition_by=[("nope", "month")])
    with pytest.raises(InvalidPartitionError, match="`fortnight`"):
        lake.create_table(T, SALES_SCHEMA, partition_by=[("event_date", "fortnight")])
    assert not lake.exists(T)


def test_append_returns_snapshot_and_list_tables_counts(sales_lake: Lakehouse) -> None:
    first = sales_lake.append(T, sales(600))
    second = sales_lake.append(T, sales(400, start=600))
    assert first != second
    (info,) = sales_lake.list_tables("silver")
    assert info.rows == 1000
    assert info.snapshot_id == second
    assert info.data_files == 12  # 6 months x 2 appends
    assert info.size_bytes > 0
    assert info.last_updated is not None
    assert sales_lake.list_tables("gold") == []
    assert sales_lake.read(T).num_rows == 1000


def test_append_conforms_types_and_fills_missing_nullable_columns(sales_lake: Lakehouse) -> None:
    data = sales(10)
    narrow = pa.table(
        {
            "sale_id": data["sale_id"].cast(pa.large_string()),
            "event_date": data["event_date"].cast(pa.timestamp("ns", tz="UTC")),
            "quantity": data["quantity"].cast(pa.int32()),
        }
    )
    sales_lake.append(T, narrow)
    out = sales_lake.read(T)
    assert out.num_rows == 10
    assert out["source"].null_count == 10
    assert sorted(out["quantity"].to_pylist()) == sorted(data["quantity"].to_pylist())
    assert out.schema.field("event_date").type == pa.timestamp("us", tz="UTC")


def test_append_rejects_incompatible_data_naming_the_column(sales_lake: Lakehouse) -> None:
    bad_type = sales(3).set_column(3, "quantity", pa.array(["a", "b", "c"]))
    with pytest.raises(SchemaMismatchError, match="column `quantity`"):
        sales_lake.append(T, bad_type)
    with pytest.raises(SchemaMismatchError, match="column `extra`"):
        sales_lake.append(T, sales(3).append_column("extra", pa.array([1, 2, 3])))
    with pytest.raises(SchemaMismatchError, match=r"column `sale_id`.*required"):
        sales_lake.append(T, sales(3).drop_columns(["sale_id"]))
    nulls = sales(3).set_column(0, "sale_id", pa.array([None, "x", "y"], pa.string()))
    with pytest.raises(SchemaMismatchError, match=r"column `sale_id`.*null"):
        sales_lake.append(T, nulls)
    assert sales_lake.list_tables()[0].rows == 0  # nothing half-written


def test_append_from_reader_on_partitioned_and_unpartitioned_tables(lake: Lakehouse) -> None:
    lake.create_table(T, SALES_SCHEMA, partition_by=[("event_date", "month")])
    lake.create_table("bronze.flat", SALES_SCHEMA)
    data = sales(5000)
    for name in (T, "bronze.flat"):
        reader = pa.RecordBatchReader.from_batches(data.schema, data.to_batches(max_chunksize=700))
        lake.append(name, reader)
        assert lake.read(name).num_rows == 5000
        assert len(lake.snapshots(name)) == 1  # one commit for the whole stream


def test_overwrite_whole_table(sales_lake: Lakehouse) -> None:
    sales_lake.append(T, sales(100))
    sales_lake.overwrite(T, sales(7, start=1000))
    out = sales_lake.read(T)
    assert sorted(out["sale_id"].to_pylist()) == sorted(f"s{i}" for i in range(1000, 1007))
    assert sales_lake.snapshots(T)[-1].summary["total-records"] == "7"


def test_overwrite_by_partition_and_by_filter(sales_lake: Lakehouse) -> None:
    sales_lake.append(T, sales(60, months=6))  # 10 rows per month
    replacement = sales(3, start=500, months=1)  # January only
    january = (
        "event_date >= '2024-01-01T00:00:00+00:00' AND event_date < '2024-02-01T00:00:00+00:00'"
    )
    sales_lake.overwrite(T, replacement, where=january)
    out = sales_lake.read(T)
    assert out.num_rows == 50 + 3
    feb = pa.scalar(dt.datetime(2024, 2, 1), pa.timestamp("us", tz="UTC"))
    jan = out.filter(pc.less(out["event_date"], feb))
    assert sorted(jan["sale_id"].to_pylist()) == ["s500", "s501", "s502"]

    # a row filter that cuts through files: copy-on-write rewrite
    threes = pc.sum(pc.equal(out["quantity"], 3)).as_py()
    assert threes > 0
    sales_lake.overwrite(T, sales(1, start=900, source="stream"), where="quantity = 3")
    after = sales_lake.read(T)
    assert pc.sum(pc.equal(after["quantity"], 3)).as_py() == 0
    assert after.num_rows == out.num_rows - threes + 1
    assert "s900" in after["sale_id"].to_pylist()


def test_delete_and_delete_matching_nothing(sales_lake: Lakehouse) -> None:
    sales_lake.append(T, sales(100))
    before = sales_lake.read(T).num_rows
    small = pc.sum(pc.less_equal(sales(100)["quantity"], 2)).as_py()
    snap = sales_lake.delete(T, "quantity <= 2")
    assert snap is not None
    out = sales_lake.read(T)
    assert pc.min(out["quantity"]).as_py() == 3
    assert out.num_rows == before - small == 74
    assert sales_lake.delete(T, "quantity > 100") is None


def test_scan_with_where_and_columns(sales_lake: Lakehouse) -> None:
    sales_lake.append(T, sales(200))
    reader = sales_lake.scan(
        T, where="quantity = 8 AND unit_price > 11", columns=["sale_id", "quantity"]
    )
    assert isinstance(reader, pa.RecordBatchReader)
    out = reader.read_all()
    assert out.column_names == ["sale_id", "quantity"]
    expected = sales(200).filter(
        pc.and_(pc.equal(sales(200)["quantity"], 8), pc.greater(sales(200)["unit_price"], 11))
    )
    assert sorted(out["sale_id"].to_pylist()) == sorted(expected["sale_id"].to_pylist())


def test_a_missing_metadata_file_is_a_clear_error_not_a_traceback(sales_lake: Lakehouse) -> None:
    from pathlib import Path

    from greenroom.lake.exceptions import LakeFilesMissingError

    location = sales_lake.load_table(T).metadata_location
    Path(location.removeprefix("file://")).unlink()
    with pytest.raises(LakeFilesMissingError) as err:
        sales_lake.read(T)
    assert err.value.code == "lake_files_missing" and err.value.path.endswith(".metadata.json")
    assert "rebuild the lake with `greenroom demo`" in str(err.value)


def test_scan_errors_are_user_errors(sales_lake: Lakehouse) -> None:
    with pytest.raises(
        TableNotFoundError, match=r"table `silver\.nope` does not exist; `greenroom lake tables`"
    ):
        sales_lake.read("silver.nope")
    with pytest.raises(InvalidFilterError, match="does not parse"):
        sales_lake.read(T, where="quantity === ")
    with pytest.raises(InvalidFilterError, match="does not fit"):
        sales_lake.read(T, where="colour = 'red'")
    with pytest.raises(ColumnNotFoundError, match="`colour`"):
        sales_lake.read(T, columns=["colour"])


def test_time_travel_by_snapshot_id_and_timestamp(sales_lake: Lakehouse) -> None:
    first = sales_lake.append(T, sales(10))
    time.sleep(0.01)  # distinct commit milliseconds; not a timing assertion
    after_first = sales_lake.snapshots(T)[-1].committed_at
    time.sleep(0.01)
    sales_lake.append(T, sales(5, start=10))
    assert sales_lake.read(T).num_rows == 15
    assert sales_lake.read(T, snapshot_id=first).num_rows == 10
    assert sales_lake.read(T, as_of=after_first).num_rows == 10
    assert sales_lake.read(T, as_of=after_first.replace(tzinfo=None)).num_rows == 10  # naive = UTC
    with pytest.raises(SnapshotNotFoundError):
        sales_lake.read(T, as_of=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(SnapshotNotFoundError):
        sales_lake.read(T, snapshot_id=12345)
    snaps = sales_lake.snapshots(T)
    assert [s.parent_id for s in snaps] == [None, first]
    assert [s.operation for s in snaps] == ["append", "append"]


def test_expire_snapshots(sales_lake: Lakehouse) -> None:
    ids = [sales_lake.append(T, sales(5, start=5 * i)) for i in range(4)]
    assert sales_lake.expire_snapshots(T, retain_last=2) == 2
    assert [s.snapshot_id for s in sales_lake.snapshots(T)] == ids[2:]
    assert sales_lake.read(T).num_rows == 20
    with pytest.raises(SnapshotNotFoundError):
        sales_lake.read(T, snapshot_id=ids[0])
    past = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert sales_lake.expire_snapshots(T, older_than=past, retain_last=1) == 0
    assert sales_lake.expire_snapshots(T) == 1


def test_empty_table_reads_with_schema(sales_lake: Lakehouse) -> None:
    out = sales_lake.read(T)
    assert out.num_rows == 0
    assert out.column_names == SALES_SCHEMA.names
    (info,) = sales_lake.list_tables()
    assert (info.rows, info.snapshot_id, info.data_files) == (0, None, 0)


def test_snapshot_properties_are_recorded(sales_lake: Lakehouse) -> None:
    sales_lake.append(T, sales(3), properties={"greenroom.batch-id": "b1"})
    assert sales_lake.snapshots(T)[-1].summary["greenroom.batch-id"] == "b1"


def test_multi_key_partitioning_with_nulls_writes_one_file_per_partition(lake: Lakehouse) -> None:
    lake.create_table(
        "bronze.multi", SALES_SCHEMA, partition_by=[("source", "identity"), ("event_date", "month")]
    )
    data = sales(300, months=3)
    sources = pa.array(["a", None] * 150, pa.string())  # interleaved, unsorted
    data = data.set_column(1, "source", sources)
    lake.append("bronze.multi", data)
    (info,) = lake.list_tables("bronze")
    assert info.data_files == 2 * 3
    out = lake.read("bronze.multi")
    assert sorted(out["sale_id"].to_pylist()) == sorted(data["sale_id"].to_pylist())
    nulls = lake.read("bronze.multi", where="source IS NULL")
    assert sorted(nulls["sale_id"].to_pylist()) == sorted(f"s{i}" for i in range(1, 300, 2))
    table = lake.load_table("bronze.multi")
    assert len(list(table.scan(row_filter="source IS NULL").plan_files())) == 3  # pruned
    march = "event_date >= '2024-03-01T00:00:00+00:00'"
    tasks = list(table.scan(row_filter=f"source = 'a' AND {march}").plan_files())
    assert [t.file.record_count for t in tasks] == [50]
    got = lake.read("bronze.multi", where=f"source = 'a' AND {march}")
    assert sorted(got["sale_id"].to_pylist()) == sorted(f"s{i}" for i in range(2, 300, 6))


def test_batch_ids_keep_exact_bounds_so_a_batch_plans_only_its_own_files(lake: Lakehouse) -> None:
    # Ingestion replaces a batch by `_batch_id = '<id>'`; ids share their first 16
    # characters (the feed name), which truncated bounds would keep and nothing more.
    ids = [f"box_office_sales-{n:016x}" for n in (1, 2, 3)]
    schema = pa.schema([("_batch_id", pa.string()), ("n", pa.int64())])
    lake.create_table("bronze.batches", schema)
    for n, batch_id in enumerate(ids):
        lake.append("bronze.batches", pa.table({"_batch_id": [batch_id], "n": [n]}, schema))
    table = lake.load_table("bronze.batches")
    planned = list(table.scan(row_filter=f"_batch_id = '{ids[1]}'").plan_files())
    assert len(planned) == 1
    lake.overwrite("bronze.batches", pa.table({"_batch_id": [ids[1]], "n": [9]}, schema),
                   where=f"_batch_id = '{ids[1]}'")  # fmt: skip
    assert sorted(lake.read("bronze.batches").column("n").to_pylist()) == [0, 2, 9]
