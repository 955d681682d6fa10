"""Decoding micro-batches into sale events, and the SQLite sink's exactly-once effect."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from greenroom.ingest.stream import StreamRecord
from greenroom.ingest.stream._json_rows import json_rows
from greenroom.ingest.stream.decode import SALE_EVENT_SCHEMA, decode_sales
from greenroom.ingest.stream.sink import SqliteSaleSink, sink_handler
from tests.ingest.stream.conftest import sale_events

AT = dt.datetime(2026, 6, 1, 19, 22, 5, tzinfo=dt.UTC)


def records(*datas: bytes) -> list[StreamRecord]:
    return [
        StreamRecord("shardId-000000000000", f"{i + 1:020d}", "k", d, AT)
        for i, d in enumerate(datas)
    ]


def event_records(n: int, replays: int = 0) -> list[StreamRecord]:
    return records(*(s.encode() for s in json_rows(sale_events(n, replays=replays)).to_pylist()))


def test_a_clean_batch_decodes_to_the_sale_event_columns() -> None:
    events = sale_events(20)
    batch = decode_sales(event_records(20))
    assert batch.rejected.num_rows == 0 and batch.received == 20
    assert batch.accepted.select(SALE_EVENT_SCHEMA.names).to_pylist() == events.to_pylist()
    assert batch.accepted.column("_sequence_number").to_pylist()[-1] == f"{20:020d}"
    assert batch.accepted.column("_arrival").to_pylist()[0] == AT


def test_bad_records_are_set_aside_with_reasons_and_counts_conserved() -> None:
    good = event_records(3)
    no_sale = json.dumps({"event_id": "e9", "quantity": 1}).encode()
    wrong_type = json.dumps({"sale_id": "TMS-x", "quantity": "two"}).encode()
    extra = json.dumps({"sale_id": "TMS-y", "unknown_field": [1, 2]}).encode()
    batch = decode_sales(
        records(
            good[0].data,
            b"{not json",
            b"[1, 2]",
            no_sale,
            good[1].data,
            wrong_type,
            b'{"sale_id": "TMS-z",\n "quantity": 3}',
            extra,
            b"",
            good[2].data,
        )
    )
    assert batch.received == 10
    assert batch.accepted.column("sale_id").to_pylist() == [
        "TMS-000000",
        "TMS-000001",
        "TMS-z",
        "TMS-y",
        "TMS-000002",
    ]
    assert batch.accepted.column("_sequence_number").to_pylist() == [
        f"{i:020d}" for i in (1, 5, 7, 8, 10)
    ]
    rejected = {r["_sequence_number"][-2:]: r["reasons"] for r in batch.rejected.to_pylist()}
    assert rejected == {
        "02": ["malformed_json"],
        "03": ["not_an_object"],
        "04": ["missing_required:sale_id"],
        "06": ["bad_type:quantity"],
        "09": ["malformed_json"],
    }
    assert batch.rejected.column("payload").to_pylist()[0] == "{not json"


def test_missing_sale_ids_are_rejected_on_the_fast_path_too() -> None:
    batch = decode_sales(records(b'{"sale_id": "a"}', b'{"event_id": "b"}'))
    assert batch.accepted.column("sale_id").to_pylist() == ["a"]
    assert batch.rejected.column("reasons").to_pylist() == [["missing_required:sale_id"]]


def test_the_sink_commits_each_sale_once_whatever_is_redelivered(tmp_path: Path) -> None:
    sink = SqliteSaleSink(tmp_path / "sink.db")
    handle = sink_handler(sink)
    batch = event_records(30, replays=5)
    handle(batch[:20])
    handle(batch[10:])  # a redelivery overlapping the first batch
    handle(records(b"garbage"))
    assert sink.count() == 30 and sink.sale_ids() == [f"TMS-{i:06d}" for i in range(30)]
    totals = sink.totals()
    assert (totals.received, totals.inserted, totals.duplicates, totals.rejected) == (46, 30, 15, 1)
    sink.close()
    reopened = SqliteSaleSink(tmp_path / "sink.db")  # durable
    assert reopened.count() == 30
    reopened.close()


def test_a_failed_commit_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sink = SqliteSaleSink(tmp_path / "sink.db")
    batch = decode_sales(event_records(5) + records(b"bad"))

    class Boom(Exception):
        pass

    original = sink._db  # fail the transaction at its last statement
    monkeypatch.setattr(sink, "_db", _FailingConnection(original, "stream_commits", Boom))
    with pytest.raises(Boom):
        sink.commit(batch)
    monkeypatch.setattr(sink, "_db", original)
    assert sink.count() == 0 and sink.totals().received == 0
    sink.commit(batch)
    assert sink.count() == 5
    sink.close()


class _FailingConnection:
    def __init__(self, conn: object, table: str, error: type[Exception]) -> None:
        self._conn, self._table, self._error = conn, table, error

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)

    def execute(self, sql: str, *args: object) -> object:
        if self._table in sql and sql.startswith("INSERT"):
            raise self._error
        return self._conn.execute(sql, *args)  # type: ignore[attr-defined]
