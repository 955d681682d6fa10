"""The embedded SQLite memory: round trips, restarts, isolation, concurrency, failures."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from greenroom.agent.memory import (
    MemoryBackend,
    MemoryUnavailableError,
    SqliteMemory,
    memory_path,
)
from greenroom.errors import TransientError


@pytest.fixture
def memory(tmp_path: Path) -> SqliteMemory:
    return SqliteMemory(tmp_path / "nested" / "memory.db")


def test_memory_path_is_under_home(tmp_path: Path) -> None:
    assert memory_path(tmp_path) == tmp_path / "memory.db"


def test_sqlite_memory_is_a_memory_backend(memory: SqliteMemory) -> None:
    backend: MemoryBackend = memory
    assert backend.list_events("nobody") == []


def test_file_is_created_lazily_with_its_parent(memory: SqliteMemory) -> None:
    assert not memory.path.parent.exists()
    memory.list_records("a", "prefs")
    assert memory.path.is_file()
    with closing(sqlite3.connect(memory.path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        indexes = {row[1] for row in conn.execute("PRAGMA index_list(events)")}
    assert "events_by_session" in indexes


def test_event_round_trip(memory: SqliteMemory) -> None:
    payload = {"role": "user", "text": "tickets sold in Lisbon?", "n": [1, 2.5, None]}
    created = memory.create_event("actor-1", "session-1", payload)
    assert created.actor_id == "actor-1"
    assert created.session_id == "session-1"
    assert created.timestamp.tzinfo == dt.UTC
    assert [created] == memory.list_events("session-1")
    assert memory.list_events("session-1")[0].payload == payload


def test_events_survive_a_restart(memory: SqliteMemory) -> None:
    first = memory.create_event("a", "s", {"text": "hello"})
    memory.put_record("a", "prefs", "currency", {"value": "EUR"})
    reopened = SqliteMemory(memory.path)
    assert reopened.list_events("s") == [first]
    assert [r.content for r in reopened.list_records("a", "prefs")] == [{"value": "EUR"}]


def test_list_events_returns_the_last_limit_oldest_first(memory: SqliteMemory) -> None:
    for i in range(30):
        memory.create_event("a", "s", {"i": i})
    memory.create_event("a", "other", {"i": -1})
    assert [e.payload["i"] for e in memory.list_events("s")] == list(range(10, 30))
    assert [e.payload["i"] for e in memory.list_events("s", limit=3)] == [27, 28, 29]
    assert [e.payload["i"] for e in memory.list_events("s", limit=100)] == list(range(30))
    assert memory.list_events("s", limit=0) == []
    assert [e.payload["i"] for e in memory.list_events("other")] == [-1]
    stamps = [e.timestamp for e in memory.list_events("s", limit=30)]
    assert stamps == sorted(stamps)


def test_put_record_upserts_by_key(memory: SqliteMemory) -> None:
    first = memory.put_record("a", "prefs", "currency", {"value": "EUR"})
    second = memory.put_record("a", "prefs", "currency", {"value": "GBP"})
    memory.put_record("a", "prefs", "city", {"value": "Lisbon"})
    assert second.record_id == first.record_id
    assert second.updated_at >= first.updated_at
    records = memory.list_records("a", "prefs")
    assert [r.content for r in records] == [{"value": "GBP"}, {"value": "Lisbon"}]
    assert records[0].record_id == first.record_id


def test_records_are_isolated_by_namespace_and_actor(memory: SqliteMemory) -> None:
    memory.put_record("a", "prefs", "k", {"v": 1})
    memory.put_record("a", "facts", "k", {"v": 2})
    memory.put_record("b", "prefs", "k", {"v": 3})
    assert [r.content for r in memory.list_records("a", "prefs")] == [{"v": 1}]
    assert [r.content for r in memory.list_records("a", "facts")] == [{"v": 2}]
    assert [r.content for r in memory.list_records("b", "prefs")] == [{"v": 3}]
    assert memory.list_records("b", "facts") == []

    assert memory.delete_records("a", "prefs") == 1
    assert memory.delete_records("a", "prefs") == 0
    assert memory.list_records("a", "prefs") == []
    assert [r.content for r in memory.list_records("a", "facts")] == [{"v": 2}]
    assert [r.content for r in memory.list_records("b", "prefs")] == [{"v": 3}]


def _write_events(path: str, worker: int, count: int) -> None:
    memory = SqliteMemory(Path(path))
    for i in range(count):
        memory.create_event(f"actor-{worker}", "shared", {"worker": worker, "i": i})
        memory.put_record(f"actor-{worker}", "progress", "last", {"i": i})


@pytest.mark.integration
def test_concurrent_writers_in_several_processes_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "memory.db"
    workers, count = 4, 50
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write_events, args=(str(path), w, count)) for w in range(workers)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
    assert [proc.exitcode for proc in procs] == [0] * workers

    memory = SqliteMemory(path)
    events = memory.list_events("shared", limit=workers * count + 10)
    assert len(events) == workers * count
    assert len({e.event_id for e in events}) == workers * count
    for w in range(workers):
        mine = [e.payload["i"] for e in events if e.payload["worker"] == w]
        assert mine == list(range(count))
        assert [r.content for r in memory.list_records(f"actor-{w}", "progress")] == [
            {"i": count - 1}
        ]


def test_a_directory_in_place_of_the_file_is_memory_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "memory.db"
    path.mkdir()
    with pytest.raises(MemoryUnavailableError) as info:
        SqliteMemory(path).create_event("a", "s", {})
    err = info.value
    assert isinstance(err, TransientError)
    assert not isinstance(err, sqlite3.Error)
    assert err.code == "memory_unavailable"
    assert err.path == path
    assert f"`{path}`" in str(err)
    assert "writable" in str(err)


def test_a_garbage_file_is_memory_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "memory.db"
    path.write_bytes(b"\x00garbage, not sqlite\xff" * 200)
    memory = SqliteMemory(path)
    with pytest.raises(MemoryUnavailableError, match="delete it") as info:
        memory.list_events("s")
    assert f"`{path}`" in str(info.value)
    with pytest.raises(MemoryUnavailableError):
        memory.put_record("a", "prefs", "k", {})


def test_a_parent_that_is_a_file_is_memory_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "home"
    blocker.write_text("not a directory")
    with pytest.raises(MemoryUnavailableError, match="writable"):
        SqliteMemory(blocker / "memory.db").list_records("a", "prefs")


def test_payloads_are_stored_as_json_text(memory: SqliteMemory) -> None:
    memory.create_event("a", "s", {"text": "olá", "n": 1})
    with closing(sqlite3.connect(memory.path)) as conn:
        (text,) = conn.execute("SELECT payload FROM events").fetchone()
    assert json.loads(text) == {"text": "olá", "n": 1}
