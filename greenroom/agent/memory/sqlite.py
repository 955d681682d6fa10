"""The embedded memory: one SQLite file, safe to share between processes.

Each call opens its own connection (so threads and forked processes never share one),
with WAL journaling and a busy timeout, and runs one autocommit statement: concurrent
writers queue on SQLite's lock instead of failing. The file and its parent directory are
created on first use. Payloads and record contents are stored as JSON text; times as UTC
microseconds since the epoch.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from greenroom.agent.memory.base import MemoryEvent, MemoryRecord, MemoryUnavailableError

BUSY_TIMEOUT_MS = 10_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    actor_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    timestamp_us INTEGER NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_session ON events (session_id, timestamp_us);
CREATE TABLE IF NOT EXISTS records (
    actor_id TEXT NOT NULL,
    namespace TEXT NOT NULL,
    key TEXT NOT NULL,
    record_id TEXT NOT NULL UNIQUE,
    content TEXT NOT NULL,
    updated_us INTEGER NOT NULL,
    PRIMARY KEY (actor_id, namespace, key)
);
"""


def _now_us() -> int:
    return _to_us(dt.datetime.now(dt.UTC))


def _to_us(moment: dt.datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _from_us(us: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=us)


class SqliteMemory:
    """:class:`~greenroom.agent.memory.base.MemoryBackend` on a SQLite file at ``path``.

    Payloads must be JSON-serialisable (``json.dumps`` raises ``TypeError`` otherwise).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ready = False

    def __repr__(self) -> str:
        return f"SqliteMemory({str(self.path)!r})"

    # -- events -------------------------------------------------------------------------

    def create_event(self, actor_id: str, session_id: str, payload: dict[str, Any]) -> MemoryEvent:
        event = MemoryEvent(
            event_id=uuid.uuid4().hex,
            actor_id=actor_id,
            session_id=session_id,
            timestamp=_from_us(_now_us()),
            payload=payload,
        )
        text = json.dumps(payload)
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO events (event_id, actor_id, session_id, timestamp_us, payload)"
                " VALUES (?, ?, ?, ?, ?)",
                (event.event_id, actor_id, session_id, _to_us(event.timestamp), text),
            )
        return event

    def list_events(self, session_id: str, *, limit: int = 20) -> list[MemoryEvent]:
        if limit <= 0:
            return []
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT event_id, actor_id, session_id, timestamp_us, payload FROM events"
                " WHERE session_id = ? ORDER BY timestamp_us DESC, seq DESC LIMIT ?",
                (session_id, limit),
            ).fetchall()
        return [
            MemoryEvent(
                event_id=row[0],
                actor_id=row[1],
                session_id=row[2],
                timestamp=_from_us(row[3]),
                payload=json.loads(row[4]),
            )
            for row in reversed(rows)
        ]

    # -- records ------------------------------------------------------------------------

    def put_record(
        self, actor_id: str, namespace: str, key: str, content: dict[str, Any]
    ) -> MemoryRecord:
        text = json.dumps(content)
        updated_us = _now_us()
        with self._connect() as conn:
            row = conn.execute(
                "INSERT INTO records (actor_id, namespace, key, record_id, content, updated_us)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (actor_id, namespace, key) DO UPDATE"
                " SET content = excluded.content, updated_us = excluded.updated_us"
                " RETURNING record_id",
                (actor_id, namespace, key, uuid.uuid4().hex, text, updated_us),
            ).fetchone()
        return MemoryRecord(
            record_id=row[0],
            actor_id=actor_id,
            namespace=namespace,
            content=content,
            updated_at=_from_us(updated_us),
        )

    def list_records(self, actor_id: str, namespace: str) -> list[MemoryRecord]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT record_id, content, updated_us FROM records"
                " WHERE actor_id = ? AND namespace = ? ORDER BY updated_us, rowid",
                (actor_id, namespace),
            ).fetchall()
        return [
            MemoryRecord(
                record_id=row[0],
                actor_id=actor_id,
                namespace=namespace,
                content=json.loads(row[1]),
                updated_at=_from_us(row[2]),
            )
            for row in rows
        ]

    def delete_records(self, actor_id: str, namespace: str) -> int:
        with self._connect() as conn:
            cursor = conn.execute(
                "DELETE FROM records WHERE actor_id = ? AND namespace = ?", (actor_id, namespace)
            )
            return cursor.rowcount

    # -- plumbing -----------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One autocommit connection; every sqlite or OS error leaves as MemoryUnavailableError."""
        try:
            if not self._ready:
                self._create()
            with closing(self._open()) as conn:
                yield conn
        except (sqlite3.Error, OSError) as exc:
            raise self._unavailable(exc) from exc

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return conn

    def _create(self) -> None:
        """Create the parent directory, the file in WAL mode and the tables (idempotent)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        attempts = 50
        for attempt in range(attempts):
            try:
                with closing(self._open()) as conn:
                    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
                    if str(mode).lower() != "wal":
                        conn.execute("PRAGMA journal_mode = WAL")
                    conn.executescript(_SCHEMA)
                break
            except sqlite3.OperationalError as exc:
                # Switching to WAL while another process does the same can report "locked"
                # without waiting on the busy timeout; give it a moment and try again.
                if "locked" not in str(exc) or attempt == attempts - 1:
                    raise
                time.sleep(0.05)
        self._ready = True

    def _unavailable(self, exc: BaseException) -> MemoryUnavailableError:
        reason = str(exc) or type(exc).__name__
        if "not a database" in reason or "malformed" in reason:
            advice = "move it aside or delete it; a fresh memory is created on next use"
        elif "locked" in reason or "busy" in reason:
            advice = "another process holds it; retry in a moment"
        else:
            advice = (
                f"make `{self.path.parent}` a writable directory and `{self.path.name}` a "
                "file in it (or not exist yet), or point GREENROOM_HOME elsewhere"
            )
        return MemoryUnavailableError(
            f"memory store `{self.path}` is unavailable ({reason}): {advice}", path=self.path
        )
