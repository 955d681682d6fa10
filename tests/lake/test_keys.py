"""KeyIndex: membership answered from memory, following every commit to the lake."""

from __future__ import annotations

import pyarrow as pa

from greenroom.lake import Lakehouse
from greenroom.lake.keys import KeyIndex


def ids(*values: str | None) -> pa.Table:
    return pa.table({"id": pa.array(values, pa.string()), "n": pa.array(range(len(values)))})


def test_answers_per_key_and_never_for_nulls(lake: Lakehouse) -> None:
    lake.create_table("bronze.things", ids().schema)
    lake.append("bronze.things", ids("a", "b", None))
    index = KeyIndex(lake, [("bronze.things", "id")])
    mask = index.contains(pa.array(["b", "z", None, "a", "b"]))
    assert mask.to_pylist() == [True, False, False, True, True]
    assert len(index) == 2


def test_follows_appends_by_reading_only_the_new_files(lake: Lakehouse) -> None:
    lake.create_table("bronze.things", ids().schema)
    lake.append("bronze.things", ids("a"))
    index = KeyIndex(lake, [("bronze.things", "id")])
    assert index.contains(pa.array(["a", "b", "c"])).to_pylist() == [True, False, False]
    lake.append("bronze.things", ids("b"))
    lake.append("bronze.things", ids("c"))
    assert index.contains(pa.array(["a", "b", "c"])).to_pylist() == [True, True, True]
    assert index.reloads == 1  # the first read only; the two appends came incrementally


def test_reads_the_table_again_after_a_delete_or_overwrite(lake: Lakehouse) -> None:
    lake.create_table("bronze.things", ids().schema)
    lake.append("bronze.things", ids("a", "b"))
    index = KeyIndex(lake, [("bronze.things", "id")])
    assert index.contains(pa.array(["a", "b"])).to_pylist() == [True, True]
    lake.delete("bronze.things", "id = 'a'")
    assert index.contains(pa.array(["a", "b"])).to_pylist() == [False, True]
    lake.overwrite("bronze.things", ids("x"), where="id = 'b'")
    assert index.contains(pa.array(["a", "b", "x"])).to_pylist() == [False, False, True]
    assert index.reloads == 3


def test_several_sources_and_tables_created_later(lake: Lakehouse) -> None:
    index = KeyIndex(lake, [("bronze.things", "id"), ("quarantine.things", "source_record_id")])
    assert index.contains(pa.array(["a"])).to_pylist() == [False]
    lake.create_table("bronze.things", ids().schema)
    lake.append("bronze.things", ids("a"))
    rejected = pa.table({"source_record_id": pa.array(["q"]), "reason": pa.array(["bad"])})
    lake.create_table("quarantine.things", rejected.schema)
    lake.append("quarantine.things", rejected)
    assert index.contains(pa.array(["a", "q", "z"])).to_pylist() == [True, True, False]
    assert sorted(index.values().to_pylist()) == ["a", "q"]


def test_a_dropped_table_holds_nothing_any_more(lake: Lakehouse) -> None:
    lake.create_table("bronze.things", ids().schema)
    lake.append("bronze.things", ids("a"))
    index = KeyIndex(lake, [("bronze.things", "id")])
    assert index.contains(pa.array(["a"])).to_pylist() == [True]
    lake.drop_table("bronze.things")
    assert index.contains(pa.array(["a"])).to_pylist() == [False]
    lake.create_table("bronze.things", ids().schema)
    lake.append("bronze.things", ids("b"))
    assert index.contains(pa.array(["a", "b"])).to_pylist() == [False, True]
