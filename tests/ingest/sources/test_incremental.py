"""Incremental sync: after a stored cursor, each connector returns only what is new."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from greenroom.ingest.sources import (
    AppendOffsetCursor,
    Cursor,
    CursorStore,
    DigestCursor,
    FetchResult,
    UpdatedSinceCursor,
    connector_for,
    sync,
)
from greenroom.ingest.sources.settings import PartnersSettings
from greenroom.synth.partners import Simulator
from tests.ingest.sources.conftest import assert_same_records, source_records

pytestmark = pytest.mark.integration


def _new_like(template: dict[str, Any], n: int, tag: str) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        rec = copy.deepcopy(template)
        rec["id"] = f"{tag}-{i}"
        rec["name"] = f"Brand New {tag} {i}"
        out.append(rec)
    return out


def test_musicbrainz_resumes_after_the_last_artist(
    sim: Simulator, settings: PartnersSettings, world: Path, tmp_path: Path
) -> None:
    with connector_for("musicbrainz", settings, state_dir=tmp_path) as conn:
        full = conn.fetch()
        cursor = full.next_cursor
        assert isinstance(cursor, AppendOffsetCursor)
        assert cursor.offset == len(source_records(world, "musicbrainz_artists"))

        nothing = conn.fetch(cursor)
        assert nothing.count == 0 and nothing.requests == 1 and nothing.incremental
        assert isinstance(nothing.next_cursor, AppendOffsetCursor)
        assert (nothing.next_cursor.offset, nothing.next_cursor.last_id) == (
            cursor.offset,
            cursor.last_id,
        )

        added = _new_like(source_records(world, "musicbrainz_artists")[0], 7, "mb")
        sim.add_records("musicbrainz_artists", added)
        fresh = conn.fetch(cursor)
        assert_same_records(fresh.records, added)
        assert fresh.requests == 2  # the overlap page and one more, not the whole listing
        assert isinstance(fresh.next_cursor, AppendOffsetCursor)
        assert fresh.next_cursor.offset == cursor.offset + 7


def test_musicbrainz_starts_over_when_the_order_changed(
    sim: Simulator, settings: PartnersSettings, world: Path, tmp_path: Path
) -> None:
    stale = AppendOffsetCursor(feed="musicbrainz_artists", offset=3, last_id="gone", query="*")
    with connector_for("musicbrainz", settings, state_dir=tmp_path) as conn:
        result = conn.fetch(stale)
    assert_same_records(result.records, source_records(world, "musicbrainz_artists"))


def test_ticketmaster_asks_only_for_updates(
    sim: Simulator, settings: PartnersSettings, world: Path, tmp_path: Path
) -> None:
    with connector_for("ticketmaster", settings, state_dir=tmp_path) as conn:
        first = {r.feed: r for r in conn.fetch_all()}
        cursors: dict[str, Cursor | None] = {f: r.next_cursor for f, r in first.items()}
        assert all(isinstance(c, UpdatedSinceCursor) for c in cursors.values())

        events = source_records(world, "ticketmaster_events")
        changed = copy.deepcopy(events[3])
        changed["dates"]["status"]["code"] = "cancelled"
        new_events = [*_new_like(events[0], 3, "ev"), changed]
        new_venues = _new_like(source_records(world, "ticketmaster_venues")[0], 2, "ve")
        sim.add_records("ticketmaster_events", new_events)
        sim.add_records("ticketmaster_venues", new_venues)

        second = {r.feed: r for r in conn.fetch_all(cursors)}
    assert_same_records(second["ticketmaster_events"].records, new_events)
    assert_same_records(second["ticketmaster_venues"].records, new_venues)
    assert second["ticketmaster_events"].requests < first["ticketmaster_events"].requests


def test_spotify_returns_only_new_or_changed_artists(
    sim: Simulator, settings: PartnersSettings, world: Path, tmp_path: Path
) -> None:
    artists = source_records(world, "spotify_artists")
    with connector_for("spotify", settings, state_dir=tmp_path) as conn:
        cursor = conn.fetch().next_cursor
        assert isinstance(cursor, DigestCursor) and len(cursor.digests) == len(artists)
        changed = {**artists[5], "popularity": (artists[5]["popularity"] + 1) % 100}
        added = _new_like(artists[0], 2, "sp")
        sim.add_records("spotify_artists", [changed, *added])
        delta = conn.fetch(cursor)
    assert_same_records(delta.records, [changed, *added])


def test_sync_saves_cursors_only_after_landing(
    sim: Simulator, settings: PartnersSettings, world: Path, tmp_path: Path
) -> None:
    store = CursorStore(tmp_path)
    landed: list[FetchResult] = []

    def fail(result: FetchResult) -> None:
        raise RuntimeError("bronze write failed")

    with connector_for("ticketmaster", settings, state_dir=tmp_path) as conn:
        with pytest.raises(RuntimeError):
            sync(conn, store, fail)
        assert store.load("ticketmaster_venues") is None  # nothing landed, nothing skipped

        sync(conn, store, landed.append)
        assert [r.count for r in landed] == [
            len(source_records(world, "ticketmaster_venues")),
            len(source_records(world, "ticketmaster_events")),
        ]
        assert store.load("ticketmaster_events") == landed[1].next_cursor

        again = sync(conn, store, lambda r: None)
    assert [r.count for r in again] == [0, 0] and all(r.incremental for r in again)


def test_cached_incremental_result_keeps_the_old_cursor(
    sim: Simulator, settings: PartnersSettings, tmp_path: Path
) -> None:
    store = CursorStore(tmp_path)
    with connector_for("musicbrainz", settings, state_dir=tmp_path) as conn:
        sync(conn, store, lambda r: None)
        sync(conn, store, lambda r: None)  # caches the incremental page too
        cursor = store.load("musicbrainz_artists")
    sim.inject("musicbrainz", "server_error", count=1000)
    with connector_for("musicbrainz", settings, state_dir=tmp_path) as conn:
        (result,) = sync(conn, store, lambda r: None)
    assert result.from_cache and result.next_cursor == cursor
    assert store.load("musicbrainz_artists") == cursor
