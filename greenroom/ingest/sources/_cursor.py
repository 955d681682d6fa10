"""Incremental-sync cursors and their store.

A cursor says where the last successful sync of a feed stopped; each partner's protocol
allows a different kind:

- ``updated_since`` (Ticketmaster): ask the partner only for records changed at or after
  a time; the next cursor is the time the sync *started*, minus a configurable overlap.
- ``append_offset`` (MusicBrainz): the catalogue is listed in a stable, append-only order;
  resume at the stored offset after checking the record just before it is still
  ``last_id`` (if not, the order changed and the sync starts over).
- ``digest`` (Spotify, which has no change feed): list everything, emit only the records
  whose content digest is new; the cursor holds the digests.

The store writes one JSON file per feed under ``<state_dir>/partners/cursors`` atomically
(temp file, fsync, rename), so a crash leaves either the old cursor or the new one.
Callers save a cursor only after the records it covers have landed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from greenroom.errors import UserError
from greenroom.files import write_atomic


class _CursorBase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    feed: str
    created_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))


class UpdatedSinceCursor(_CursorBase):
    kind: Literal["updated_since"] = "updated_since"
    updated_since: dt.datetime


class AppendOffsetCursor(_CursorBase):
    kind: Literal["append_offset"] = "append_offset"
    offset: int = Field(ge=0)
    last_id: str | None
    query: str


class DigestCursor(_CursorBase):
    kind: Literal["digest"] = "digest"
    digests: dict[str, str]
    query: str


Cursor = Annotated[
    UpdatedSinceCursor | AppendOffsetCursor | DigestCursor, Field(discriminator="kind")
]
_ADAPTER: TypeAdapter[Cursor] = TypeAdapter(Cursor)


class CursorStoreError(UserError):
    """A stored cursor cannot be read."""

    code = "cursor_store_unavailable"


class CursorStore:
    def __init__(self, state_dir: Path) -> None:
        self.root = Path(state_dir) / "partners" / "cursors"

    def path(self, feed: str) -> Path:
        return self.root / f"{feed}.json"

    def load(self, feed: str) -> Cursor | None:
        path = self.path(feed)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            cursor = _ADAPTER.validate_json(text)
        except ValidationError as exc:
            raise CursorStoreError(
                f"cursor file `{path}` is unreadable ({exc.errors()[0]['msg']}); delete it to "
                "run the next sync in full"
            ) from None
        if cursor.feed != feed:
            raise CursorStoreError(
                f"cursor file `{path}` belongs to feed `{cursor.feed}`; delete it to run the "
                "next sync in full"
            )
        return cursor

    def save(self, cursor: Cursor) -> Path:
        path = self.path(cursor.feed)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, _ADAPTER.dump_json(cursor))
        return path

    def clear(self, feed: str) -> None:
        self.path(feed).unlink(missing_ok=True)
