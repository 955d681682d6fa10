"""Column descriptions in the Iceberg schema: `Lakehouse.describe_columns`."""

from __future__ import annotations

import threading

import pytest

from greenroom.config import Settings
from greenroom.lake import ColumnNotFoundError, Lakehouse
from tests.lake._data import SALES_SCHEMA, sales

pytestmark = pytest.mark.slow

T = "silver.sales"
DOCS = {"sale_id": "Unique sale id.", "quantity": "Tickets in the sale, at least 1."}


def _docs(lake: Lakehouse, name: str = T) -> dict[str, str]:
    return {
        f.name: f.metadata[b"doc"].decode()
        for f in lake.schema(name)
        if b"doc" in (f.metadata or {})
    }


@pytest.fixture
def sales_lake(lake: Lakehouse) -> Lakehouse:
    lake.create_table(T, SALES_SCHEMA, partition_by=[("event_date", "month")])
    lake.append(T, sales(50))
    return lake


def test_docs_and_comment_land_in_one_commit_and_only_once(sales_lake: Lakehouse) -> None:
    lake = sales_lake
    before = lake.versions()[T]
    assert lake.describe_columns(T, DOCS, comment="One row per sale.") is True
    after = lake.versions()[T]
    assert after != before
    assert _docs(lake) == DOCS
    table = lake.load_table(T)
    assert table.properties["comment"] == "One row per sale."
    assert table.metadata.last_sequence_number == 1  # no snapshot: data untouched
    # the same docs again: no commit at all
    assert lake.describe_columns(T, DOCS, comment="One row per sale.") is False
    assert lake.versions()[T] == after
    # one changed doc: only that one is updated, the rest stay
    assert lake.describe_columns(T, {"quantity": "Tickets sold."}) is True
    assert _docs(lake) == {**DOCS, "quantity": "Tickets sold."}
    assert lake.load_table(T).properties["comment"] == "One row per sale."


def test_an_unknown_column_is_named(sales_lake: Lakehouse) -> None:
    with pytest.raises(ColumnNotFoundError, match=r"`nope` is not in `silver\.sales`"):
        sales_lake.describe_columns(T, {"nope": "?"})


def test_described_tables_read_as_before(sales_lake: Lakehouse) -> None:
    """A schema change of docs only keeps the direct Parquet read and DESCRIBE's answer."""
    lake = sales_lake
    with lake.session() as s:
        described = s.sql(f"DESCRIBE {T}")
    lake.describe_columns(T, DOCS)
    with lake.session() as s:
        assert s.sql(f"DESCRIBE {T}").equals(described)
        assert s.sql(f"SELECT sum(quantity) AS q FROM {T}")["q"][0].as_py() == sum(
            sales(50)["quantity"].to_pylist()
        )
        assert s.last_plan[T].mode == "parquet"


def test_concurrent_writers_all_land(sales_lake: Lakehouse, lake_settings: Settings) -> None:
    """Each thread's own lakehouse describes another column while one appends: the commits
    that lose a race retry on the new schema, and nothing is lost."""
    columns = ["sale_id", "source", "event_date", "quantity", "unit_price"]
    start = threading.Barrier(len(columns) + 1)
    errors: list[BaseException] = []

    def describe(column: str) -> None:
        try:
            lake = Lakehouse.open(lake_settings)
            start.wait()
            lake.describe_columns(T, {column: f"about {column}"})
        except BaseException as exc:
            errors.append(exc)

    def append() -> None:
        lake = Lakehouse.open(lake_settings)
        start.wait()
        lake.append(T, sales(10, start=1000))

    threads = [threading.Thread(target=describe, args=(c,)) for c in columns]
    threads.append(threading.Thread(target=append))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _docs(sales_lake) == {c: f"about {c}" for c in columns}
    assert sales_lake.read(T).num_rows == 60
