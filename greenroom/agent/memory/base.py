"""The shape of the assistant's memory, after Amazon Bedrock AgentCore Memory.

Two kinds of memory:

- **events** (short-term): what happened in one conversation, appended per ``session_id``
  and read back newest-last, so a follow-up question can see the previous turns;
- **records** (long-term): facts kept per ``actor_id`` under a ``namespace`` (e.g.
  ``"preferences"``), upserted by a key, that outlive any one session.

A backend implements :class:`MemoryBackend`; one file each (``sqlite.py`` is the embedded
default). Every backend failure is raised as :class:`MemoryUnavailableError`, which is
transient: the assistant answers without memory rather than failing the turn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from greenroom.errors import TransientError


class MemoryUnavailableError(TransientError):
    """The memory store could not be read or written (locked, unwritable, corrupt)."""

    code = "memory_unavailable"

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class MemoryEvent:
    """One short-term event of a conversation; ``payload`` is JSON-serialisable."""

    event_id: str
    actor_id: str
    session_id: str
    timestamp: dt.datetime
    """When the event was created, timezone-aware UTC."""
    payload: dict[str, Any]


@dataclass(frozen=True)
class MemoryRecord:
    """One long-term record of an actor, unique by ``(actor_id, namespace, key)``."""

    record_id: str
    """Stable across upserts of the same key."""
    actor_id: str
    namespace: str
    content: dict[str, Any]
    updated_at: dt.datetime
    """When the record was last written, timezone-aware UTC."""


class MemoryBackend(Protocol):
    """Where the assistant keeps conversation events and long-term records."""

    def create_event(self, actor_id: str, session_id: str, payload: dict[str, Any]) -> MemoryEvent:
        """Append one event to ``session_id`` and return it."""
        ...

    def list_events(self, session_id: str, *, limit: int = 20) -> list[MemoryEvent]:
        """The last ``limit`` events of ``session_id``, oldest first."""
        ...

    def put_record(
        self, actor_id: str, namespace: str, key: str, content: dict[str, Any]
    ) -> MemoryRecord:
        """Insert or replace the record ``(actor_id, namespace, key)``."""
        ...

    def list_records(self, actor_id: str, namespace: str) -> list[MemoryRecord]:
        """Every record of ``actor_id`` in ``namespace``, oldest write first."""
        ...

    def delete_records(self, actor_id: str, namespace: str) -> int:
        """Delete every record of ``actor_id`` in ``namespace``; return how many."""
        ...
