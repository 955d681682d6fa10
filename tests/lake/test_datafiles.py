"""Splitting a table by partition before writing: every row lands in its partition once."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from greenroom.lake import Lakehouse, _datafiles
from tests.lake._data import SALES_SCHEMA, sales

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("slice_rows", "max_runs"), [(1 << 20, 256), (7, 2), (50, 1000)])
def test_partition_slices_cover_every_row_once(
    lake: Lakehouse, monkeypatch: pytest.MonkeyPatch, slice_rows: int, max_runs: int
) -> None:
    monkeypatch.setattr(_datafiles, "SLICE_ROWS", slice_rows)
    monkeypatch.setattr(_datafiles, "MAX_RUNS", max_runs)
    lake.create_table(
        "bronze.p", SALES_SCHEMA, partition_by=[("source", "identity"), ("event_date", "month")]
    )
    data = sales(240, months=4).set_column(1, "source", pa.array(["a", None, "b"] * 80))
    metadata = lake.load_table("bronze.p").metadata
    parts = list(_datafiles.partition_slices(data, metadata))
    seen = [v for _, t in parts for v in t["sale_id"].to_pylist()]
    assert sorted(seen) == sorted(data["sale_id"].to_pylist())
    assert len({tuple(values) for values, _ in parts}) == len(parts) == 3 * 4
    for (source, month), rows in parts:
        assert rows["source"].to_pylist() == [source] * rows.num_rows
        months = pc.month(rows["event_date"]).to_pylist()
        assert isinstance(month, int)
        assert set(months) == {1 + (month - 648)}  # 648 = months from 1970-01 to 2024-01


def test_clustered_input_is_sliced_without_sorting(lake: Lakehouse) -> None:
    lake.create_table("bronze.c", SALES_SCHEMA, partition_by=[("event_date", "month")])
    data = sales(120, months=3)
    clustered = data.take(pc.sort_indices(data, sort_keys=[("event_date", "ascending")]))
    metadata = lake.load_table("bronze.c").metadata
    parts = list(_datafiles.partition_slices(clustered, metadata))
    assert [values for values, _ in parts] == [[648], [649], [650]]
    assert [t.num_rows for _, t in parts] == [40, 40, 40]
