"""Cursors, the response cache, the breaker's states, header parsing and settings."""

from __future__ import annotations

import datetime as dt
import email.utils
from pathlib import Path

import pytest

from greenroom.ingest.exceptions import CircuitOpenError, PartnerConfigError
from greenroom.ingest.sources import (
    AppendOffsetCursor,
    CursorStore,
    DigestCursor,
    PartnersSettings,
    UpdatedSinceCursor,
    connector_for,
)
from greenroom.ingest.sources._breaker import CircuitBreaker
from greenroom.ingest.sources._cache import ResponseCache, cache_key
from greenroom.ingest.sources._cursor import CursorStoreError
from greenroom.ingest.sources._pacing import parse_rate_limit_reset, parse_retry_after


@pytest.mark.parametrize(
    "cursor",
    [
        UpdatedSinceCursor(
            feed="ticketmaster_events",
            updated_since=dt.datetime(2026, 6, 30, 12, 0, 0, 123000, tzinfo=dt.UTC),
        ),
        AppendOffsetCursor(feed="musicbrainz_artists", offset=300, last_id="abc", query="*"),
        DigestCursor(feed="spotify_artists", digests={"a": "1", "b": "2"}, query="*"),
    ],
)
def test_cursors_round_trip_atomically(cursor: object, tmp_path: Path) -> None:
    store = CursorStore(tmp_path)
    assert store.load(cursor.feed) is None  # type: ignore[attr-defined]
    path = store.save(cursor)  # type: ignore[arg-type]
    assert store.load(cursor.feed) == cursor  # type: ignore[attr-defined]
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left


def test_unreadable_cursor_says_how_to_recover(tmp_path: Path) -> None:
    store = CursorStore(tmp_path)
    store.path("spotify_artists").parent.mkdir(parents=True)
    store.path("spotify_artists").write_text('{"kind": "digest"')
    with pytest.raises(CursorStoreError, match="delete it"):
        store.load("spotify_artists")
    store.save(DigestCursor(feed="spotify_artists", digests={}, query="*"))
    store.path("spotify_artists").rename(store.path("musicbrainz_artists"))
    with pytest.raises(CursorStoreError, match="belongs to feed `spotify_artists`"):
        store.load("musicbrainz_artists")


def test_cache_keeps_the_last_good_body_and_no_secrets(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path, "ticketmaster")
    key = cache_key("get", "/discovery/v2/events.json", {"page": 1, "apikey": "s3cret"})
    assert key == "GET /discovery/v2/events.json?page=1"
    assert cache.get(key) is None
    cache.put(key, b"first")
    cache.put(key, b"second")
    found = cache.get(key)
    assert found is not None and found.body == b"second"
    assert not any(b"s3cret" in p.read_bytes() for p in cache.root.iterdir())
    body_path = next(cache.root.glob("*.body"))
    body_path.write_bytes(b"sec")  # torn write: length no longer matches the metadata
    assert cache.get(key) is None


def test_breaker_states_with_a_fake_clock() -> None:
    now = [0.0]
    breaker = CircuitBreaker("p", threshold=2, reset_after=10.0, clock=lambda: now[0])

    def state() -> str:
        return breaker.state

    breaker.record_failure()
    breaker.before_request()
    breaker.record_failure()
    assert state() == "open" and breaker.times_opened == 1
    with pytest.raises(CircuitOpenError) as err:
        breaker.before_request()
    assert err.value.retry_after == pytest.approx(10.0)
    now[0] = 10.0
    breaker.before_request()  # the trial
    assert state() == "half_open"
    with pytest.raises(CircuitOpenError):
        breaker.before_request()  # one trial at a time
    breaker.record_failure()
    assert state() == "open" and breaker.times_opened == 2
    now[0] = 20.0
    breaker.before_request()
    breaker.record_success()
    assert state() == "closed" and breaker.consecutive_failures == 0


def test_retry_after_and_reset_headers_parse() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after("3", now=now) == 3.0
    assert parse_retry_after(email.utils.formatdate(now + 30, usegmt=True), now=now) == 30.0
    assert parse_retry_after("soon", now=now) is None and parse_retry_after(None, now=now) is None
    ms = str(int((now + 2.5) * 1000))
    assert parse_rate_limit_reset(
        {"rate-limit-available": "0", "rate-limit-reset": ms}, now=now
    ) == pytest.approx(2.5)
    assert (
        parse_rate_limit_reset({"rate-limit-available": "4", "rate-limit-reset": ms}, now=now)
        is None
    )


def test_partial_partner_settings_keep_that_partners_defaults() -> None:
    settings = PartnersSettings.model_validate(
        {"ticketmaster": {"api_key": "tm-secret-key"}, "spotify": {"client_id": "c"}}
    )
    assert settings.ticketmaster.page_size == 200 and settings.ticketmaster.requests_per_second == 4
    assert settings.spotify.page_size == 50 and settings.musicbrainz.requests_per_second == 1
    assert settings.ticketmaster.api_key is not None
    assert "tm-secret-key" not in repr(settings.ticketmaster)


@pytest.mark.parametrize(
    ("partner", "section", "missing"),
    [
        ("ticketmaster", {"base_url": "https://app.ticketmaster.com"}, "API_KEY"),
        ("spotify", {"base_url": "https://api.spotify.com", "client_id": "c"}, "CLIENT_ID"),
    ],
)
def test_real_api_without_credentials_is_a_config_error(
    partner: str, section: dict[str, str], missing: str, tmp_path: Path
) -> None:
    settings = PartnersSettings.model_validate({partner: section})
    with pytest.raises(PartnerConfigError, match=missing):
        connector_for(partner, settings, state_dir=tmp_path)


def test_records_that_cannot_form_one_table_are_a_terminal_error() -> None:
    from greenroom.errors import TerminalError
    from greenroom.ingest.exceptions import PartnerDataError
    from greenroom.ingest.sources.base import records_table

    assert records_table([{"a": 1, "b": None}, {"a": 2, "b": "x"}]).num_rows == 2
    with pytest.raises(PartnerDataError, match="spotify_artists") as err:
        records_table([{"a": 1}, {"a": "one"}], "spotify_artists", "spotify")
    assert isinstance(err.value, TerminalError)
