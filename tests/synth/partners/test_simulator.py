"""The simulator speaks each partner's protocol: raw HTTP against it, no connector."""

from __future__ import annotations

import base64
import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from greenroom.errors import UserError
from greenroom.ingest.sources.settings import (
    SIMULATOR_API_KEY,
    SIMULATOR_CLIENT_ID,
    SIMULATOR_CLIENT_SECRET,
)
from greenroom.synth.partners import Simulator, SimulatorConfig, load_feed_records, serve

pytestmark = pytest.mark.integration
TM = {"apikey": SIMULATOR_API_KEY}


def token(http: httpx.Client) -> str:
    basic = base64.b64encode(f"{SIMULATOR_CLIENT_ID}:{SIMULATOR_CLIENT_SECRET}".encode()).decode()
    resp = http.post(
        "/api/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert resp.status_code == 200 and resp.json()["token_type"] == "Bearer"
    return str(resp.json()["access_token"])


def test_musicbrainz_search_pages_the_file_in_order(http: httpx.Client, world: Path) -> None:
    artists = load_feed_records(world, "musicbrainz_artists")
    page = http.get("/ws/2/artist", params={"query": "*", "fmt": "json", "limit": 500, "offset": 2})
    doc = page.json()
    assert doc["count"] == len(artists) and doc["offset"] == 2
    assert doc["artists"] == artists[2:102]  # limit clamps to 100
    tag = artists[0]["tags"][0]["name"]
    tagged = http.get("/ws/2/artist", params={"query": f'tag:"{tag}"', "fmt": "json"}).json()
    assert 0 < tagged["count"] <= len(artists)


def test_musicbrainz_requires_a_user_agent_and_one_request_per_second(world: Path) -> None:
    with Simulator(world) as sim, httpx.Client(base_url=sim.url) as raw:
        params = {"query": "*", "fmt": "json"}
        assert raw.get("/ws/2/artist", params=params, headers={"User-Agent": ""}).status_code == 403
        ok = raw.get("/ws/2/artist", params=params, headers={"User-Agent": "t/1"})
        too_fast = raw.get("/ws/2/artist", params=params, headers={"User-Agent": "t/1"})
        other_client = raw.get("/ws/2/artist", params=params, headers={"User-Agent": "t/2"})
        assert (ok.status_code, too_fast.status_code, other_client.status_code) == (200, 503, 200)
        assert too_fast.headers["Retry-After"] == "1" and "rate limit" in too_fast.json()["error"]
        assert sim.stats("musicbrainz").violations == 1


def test_ticketmaster_rejects_missing_and_wrong_keys(http: httpx.Client) -> None:
    missing = http.get("/discovery/v2/events.json")
    wrong = http.get("/discovery/v2/events.json", params={"apikey": "nope"})
    assert missing.status_code == wrong.status_code == 401
    assert missing.json()["fault"]["detail"]["errorcode"] == "steps.oauth.v2.FailedToResolveAPIKey"
    assert wrong.json()["fault"] == {
        "faultstring": "Invalid ApiKey",
        "detail": {"errorcode": "oauth.v2.InvalidApiKey"},
    }


def test_ticketmaster_pages_windows_and_limits(http: httpx.Client, world: Path) -> None:
    events = load_feed_records(world, "ticketmaster_events")
    undated = http.get(
        "/discovery/v2/events.json", params={**TM, "includeTBD": "only", "size": 200}
    ).json()
    everything = http.get(
        "/discovery/v2/events.json", params={**TM, "includeTBD": "yes", "size": 200}
    ).json()
    assert everything["page"]["totalElements"] == len(events)
    dated_total = len(events) - undated["page"]["totalElements"]

    first = http.get("/discovery/v2/events.json", params={**TM, "size": 7, "page": 0})
    doc = first.json()
    assert doc["page"] == {
        "size": 7,
        "totalElements": dated_total,
        "totalPages": -(-dated_total // 7),
        "number": 0,
    }
    assert (
        "apikey" not in doc["_links"]["next"]["href"] and "page=1" in doc["_links"]["next"]["href"]
    )
    assert all(
        h in first.headers for h in ("Rate-Limit", "Rate-Limit-Available", "Rate-Limit-Reset")
    )
    deep = http.get("/discovery/v2/events.json", params={**TM, "size": 200, "page": 5})
    assert deep.status_code == 400 and deep.json()["errors"][0]["code"] == "DIS1035"

    window: dict[str, str | int] = {
        **TM,
        "startDateTime": "2024-01-01T00:00:00Z",
        "endDateTime": "2025-01-01T00:00:00Z",
        "sort": "date,asc",
        "size": 200,
    }
    dated = http.get("/discovery/v2/events.json", params=window).json()["_embedded"]["events"]
    starts = [e["dates"]["start"]["dateTime"] for e in dated]
    assert starts == sorted(starts) and all(s.startswith("2024") for s in starts)
    bad = http.get("/discovery/v2/events.json", params={**TM, "startDateTime": "2024-01-01"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "DIS1015"


def test_ticketmaster_updated_since_filters_changes(http: httpx.Client, sim: Simulator) -> None:
    import datetime as dt

    cut = dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")
    venue = dict(load_feed_records_from(sim, "ticketmaster_venues")[0], name="Renamed Hall")
    sim.add_records("ticketmaster_venues", [venue])
    changed = http.get("/discovery/v2/venues.json", params={**TM, "updatedSince": cut}).json()
    assert changed["_embedded"]["venues"] == [venue]


def load_feed_records_from(sim: Simulator, feed: str) -> list[dict[str, Any]]:
    return [e.record for e in sim.world.store(feed).snapshot()]


def test_ticketmaster_spike_arrest_and_quota(world: Path) -> None:
    config = SimulatorConfig(
        ticketmaster_rps=1.0, ticketmaster_quota=2, ticketmaster_quota_window_s=3600
    )
    with Simulator(world, config=config) as sim, httpx.Client(base_url=sim.url) as raw:
        assert raw.get("/discovery/v2/venues.json", params=TM).status_code == 200
        spike = raw.get("/discovery/v2/venues.json", params=TM)
        assert spike.status_code == 429
        assert (
            spike.json()["fault"]["detail"]["errorcode"]
            == "policies.ratelimit.SpikeArrestViolation"
        )
        assert sim.stats("ticketmaster").violations == 1
        sim.app.protocols["ticketmaster"].limiter.reset()
        raw.get("/discovery/v2/venues.json", params=TM)
        sim.app.protocols["ticketmaster"].limiter.reset()
        quota = raw.get("/discovery/v2/venues.json", params=TM)
        assert quota.status_code == 429 and quota.headers["Rate-Limit-Available"] == "0"
        assert quota.json()["fault"]["detail"]["errorcode"] == "policies.ratelimit.QuotaViolation"


def test_spotify_client_credentials_search_and_lookup(http: httpx.Client, world: Path) -> None:
    artists = load_feed_records(world, "spotify_artists")
    bad = http.post(
        "/api/token",
        data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"},
    )
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_client"
    assert http.get("/v1/search", params={"q": "*", "type": "artist"}).json() == {
        "error": {"status": 401, "message": "No token provided"}
    }

    auth = {"Authorization": f"Bearer {token(http)}"}
    page = http.get(
        "/v1/search", params={"q": "*", "type": "artist", "limit": 5, "offset": 5}, headers=auth
    ).json()["artists"]
    assert page["items"] == artists[5:10] and page["total"] == len(artists)
    assert "offset=10" in page["next"] and "offset=0" in page["previous"]
    ids = [a["id"] for a in artists[:3]] + ["unknown"]
    several = http.get("/v1/artists", params={"ids": ",".join(ids)}, headers=auth).json()
    assert several["artists"] == [*artists[:3], None]
    too_many = http.get("/v1/artists", params={"ids": ",".join(["x"] * 51)}, headers=auth)
    assert too_many.status_code == 400
    deep = http.get("/v1/search", params={"q": "*", "type": "artist", "offset": 1000}, headers=auth)
    assert deep.status_code == 400


def test_spotify_tokens_expire(world: Path) -> None:
    with (
        Simulator(world, config=SimulatorConfig(token_ttl_s=0.05)) as sim,
        httpx.Client(base_url=sim.url) as raw,
    ):
        auth = {"Authorization": f"Bearer {token(raw)}"}
        threading.Event().wait(0.1)
        expired = raw.get("/v1/artists/x", headers=auth)
        assert expired.status_code == 401
        assert expired.json()["error"]["message"] == "The access token expired"
        assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]


def test_injected_faults_over_the_admin_api(http: httpx.Client, sim: Simulator) -> None:
    params = {"query": "*", "fmt": "json"}
    for order in (
        {"partner": "musicbrainz", "kind": "server_error", "status": 500},
        {"partner": "musicbrainz", "kind": "malformed", "count": 2},
        {"partner": "musicbrainz", "kind": "rate_limit_storm", "retry_after": 7},
    ):
        assert http.post("/__admin/faults", json=order).status_code == 201
    assert http.get("/ws/2/artist", params=params).status_code == 500
    cut, reshaped = http.get("/ws/2/artist", params=params), http.get("/ws/2/artist", params=params)
    with pytest.raises(json.JSONDecodeError):
        cut.json()
    assert cut.status_code == reshaped.status_code == 200
    assert not isinstance(reshaped.json()["artists"], list)
    storm = http.get("/ws/2/artist", params=params)
    assert storm.status_code == 503 and storm.headers["Retry-After"] == "7"
    assert http.get("/ws/2/artist", params=params).status_code == 200

    stats = http.get("/__admin/stats").json()["musicbrainz"]
    assert stats["faults_served"] == 4 and stats["violations"] == 0
    assert stats["statuses"] == {"200": 3, "500": 1, "503": 1}
    bad = http.post("/__admin/faults", json={"partner": "ticketmaster", "kind": "expire_token"})
    assert bad.status_code == 400 and "spotify" in bad.json()["error"]
    assert http.post("/__admin/faults", json={"partner": "x", "kind": "timeout"}).status_code == 400

    added = http.post(
        "/__admin/records",
        json={"feed": "spotify_artists", "records": [{"id": "new1", "name": "N"}]},
    )
    assert added.json() == {"added": 1, "replaced": 0}
    assert http.delete("/__admin/stats").json() == {"reset": True}


def test_timeout_fault_holds_the_answer(http: httpx.Client, sim: Simulator) -> None:
    sim.inject("musicbrainz", "timeout", delay=3.0)
    with pytest.raises(httpx.ReadTimeout):
        http.get("/ws/2/artist", params={"query": "*", "fmt": "json"}, timeout=0.2)
    assert http.get("/ws/2/artist", params={"query": "*", "fmt": "json"}).status_code == 200


def test_simulator_refuses_non_loopback_and_missing_worlds(tmp_path: Path, world: Path) -> None:
    with pytest.raises(UserError, match="loopback"):
        Simulator(world, host="0.0.0.0")
    with pytest.raises(UserError, match="synth generate"):
        Simulator(tmp_path)


def test_serve_runs_until_stopped(world: Path) -> None:
    urls: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=serve, args=(world,), kwargs={"port": 0, "on_ready": urls.append, "stop": stop}
    )
    thread.start()
    try:
        for _ in range(100):
            if urls:
                break
            threading.Event().wait(0.05)
        health = httpx.get(f"{urls[0]}/__admin/health", timeout=5).json()
        assert health == {"status": "ok", "partners": ["musicbrainz", "spotify", "ticketmaster"]}
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
