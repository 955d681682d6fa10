"""The synthetic world's partner feeds, held in memory for the simulator to serve.

Each feed is loaded from its source file (layout in docs/synthetic-data.md) into a
:class:`FeedStore`: the records in file order, each stamped with the time it was last
changed on the "partner side" (load time for the file's records). Records added or
replaced later (:meth:`FeedStore.upsert`) get a fresh stamp; a new id is appended at the
end, an existing id keeps its position, so listing order stays append-only.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from greenroom.errors import UserError

PartnerFeed = Literal[
    "musicbrainz_artists", "spotify_artists", "ticketmaster_venues", "ticketmaster_events"
]
# feed -> (file under sources/, path of the record array inside the document)
FEED_FILES: dict[PartnerFeed, tuple[str, tuple[str, ...]]] = {
    "musicbrainz_artists": ("musicbrainz_artists/artists.json", ("artists",)),
    "spotify_artists": ("spotify_artists/artists.json", ("artists",)),
    "ticketmaster_venues": ("ticketmaster_venues/venues.json", ("_embedded", "venues")),
    "ticketmaster_events": ("ticketmaster_events/events.json", ("_embedded", "events")),
}


def load_feed_records(world_dir: Path, feed: PartnerFeed) -> list[dict[str, Any]]:
    """The records of ``feed`` exactly as its source file holds them."""
    rel, where = FEED_FILES[feed]
    path = Path(world_dir) / "sources" / rel
    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(
            f"partner feed file `{path}` is missing; generate a world first "
            "(`greenroom synth generate --out DIR`) and point the simulator at DIR"
        ) from None
    except json.JSONDecodeError as exc:
        raise UserError(f"partner feed file `{path}` is not JSON ({exc}); regenerate it") from None
    for key in where:
        doc = doc.get(key, []) if isinstance(doc, dict) else None
    if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
        raise UserError(f"`{path}` has no record array at `{'.'.join(where)}`; regenerate it")
    return doc


@dataclass(frozen=True)
class Entry:
    record: dict[str, Any]
    updated_at: float  # epoch seconds


class FeedStore:
    def __init__(self, records: list[dict[str, Any]], *, stamp: float | None = None) -> None:
        now = time.time() if stamp is None else stamp
        self._lock = threading.Lock()
        self._entries: list[Entry] = [Entry(r, now) for r in records]
        self._index: dict[str, int] = {}
        for i, rec in enumerate(records):
            rid = rec.get("id")
            if isinstance(rid, str) and rid:
                self._index.setdefault(rid, i)

    def snapshot(self) -> list[Entry]:
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def upsert(self, records: list[dict[str, Any]]) -> int:
        """Add or replace records by ``id``; returns how many were new."""
        added = 0
        with self._lock:
            for rec in records:
                entry = Entry(rec, time.time())
                rid = rec.get("id")
                if isinstance(rid, str) and rid in self._index:
                    self._entries[self._index[rid]] = entry
                    continue
                if isinstance(rid, str) and rid:
                    self._index[rid] = len(self._entries)
                self._entries.append(entry)
                added += 1
        return added


class PartnerWorld:
    def __init__(self, stores: dict[PartnerFeed, FeedStore]) -> None:
        self.stores = stores

    @classmethod
    def load(cls, world_dir: Path) -> PartnerWorld:
        return cls({feed: FeedStore(load_feed_records(world_dir, feed)) for feed in FEED_FILES})

    def store(self, feed: str) -> FeedStore:
        try:
            return self.stores[feed]  # type: ignore[index]
        except KeyError:
            raise UserError(
                f"the simulator serves no feed `{feed}`; use one of {sorted(self.stores)}"
            ) from None
