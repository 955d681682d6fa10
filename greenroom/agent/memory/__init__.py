"""Conversation memory: short-term events per session, long-term records per actor.

The embedded default is :class:`SqliteMemory` on ``memory_path(settings.home)``.
"""

from __future__ import annotations

from pathlib import Path

from greenroom.agent.memory.base import (
    MemoryBackend,
    MemoryEvent,
    MemoryRecord,
    MemoryUnavailableError,
)
from greenroom.agent.memory.sqlite import SqliteMemory

__all__ = [
    "MemoryBackend",
    "MemoryEvent",
    "MemoryRecord",
    "MemoryUnavailableError",
    "SqliteMemory",
    "memory_path",
]


def memory_path(home: Path) -> Path:
    """Where the embedded memory lives under a greenroom home."""
    return home / "memory.db"
