from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from greenroom.ingest.sources.settings import (
    MusicBrainzSettings,
    PartnersSettings,
    SpotifySettings,
    TicketmasterSettings,
)
from greenroom.synth.partners import Simulator, SimulatorConfig, load_feed_records
from tests.synth.partners.world_fixture import build_world

# Fast but strict: the simulator enforces its limits, the connectors pace under them with
# room for scheduling jitter on a busy 2-core machine (a burst of 3 absorbs a late packet;
# an unpaced client still trips it, see test_unpaced_client_is_caught).
SIM_CONFIG = SimulatorConfig(
    musicbrainz_rps=200.0,
    ticketmaster_rps=200.0,
    spotify_rps=200.0,
    burst=3.0,
    ticketmaster_max_depth=50,  # small, so the tiny world needs date-window splitting
    spotify_search_window=20,  # small, so the tiny world needs genre slicing
)
FAST = {
    "requests_per_second": 80.0,
    "backoff_base_s": 0.01,
    "backoff_max_s": 0.05,
    "timeout_s": 2.0,
    "breaker_threshold": 4,
    "breaker_reset_s": 60.0,
}


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_world(tmp_path_factory.mktemp("partner-world"))


@pytest.fixture
def sim(world: Path) -> Iterator[Simulator]:
    with Simulator(world, config=SIM_CONFIG) as simulator:
        yield simulator


def fast_settings(url: str, **overrides: dict[str, Any]) -> PartnersSettings:
    return PartnersSettings(
        simulator_url=url,
        musicbrainz=MusicBrainzSettings(
            page_size=5, **{**FAST, **overrides.get("musicbrainz", {})}
        ),
        ticketmaster=TicketmasterSettings(
            page_size=20, search_window=50, **{**FAST, **overrides.get("ticketmaster", {})}
        ),
        spotify=SpotifySettings(
            page_size=10, search_window=20, **{**FAST, **overrides.get("spotify", {})}
        ),
    )


@pytest.fixture
def settings(sim: Simulator) -> PartnersSettings:
    return fast_settings(sim.url)


def _canon(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _canon(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_canon(v) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def canonical(records: list[dict[str, Any]]) -> Counter[str]:
    return Counter(json.dumps(_canon(r), sort_keys=True, ensure_ascii=False) for r in records)


def assert_same_records(table: pa.Table, expected: list[dict[str, Any]]) -> None:
    """Same records, none lost, none duplicated (ids first, for a readable failure)."""
    got = table.to_pylist()
    assert sorted(ids(got)) == sorted(ids(expected))
    assert canonical(got) == canonical(expected)


def ids(records: list[dict[str, Any]]) -> list[str]:
    return [str(r.get("id") or "<no id>") for r in records]


def source_records(world: Path, feed: str) -> list[dict[str, Any]]:
    return load_feed_records(world, feed)  # type: ignore[arg-type]
