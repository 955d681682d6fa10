from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from greenroom.synth.partners import Simulator, SimulatorConfig
from tests.synth.partners.world_fixture import build_world


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_world(tmp_path_factory.mktemp("partner-world"))


@pytest.fixture
def sim(world: Path) -> Iterator[Simulator]:
    config = SimulatorConfig(
        musicbrainz_rps=1000.0, ticketmaster_rps=1000.0, spotify_rps=1000.0, burst=1000.0
    )
    with Simulator(world, config=config) as simulator:
        yield simulator


@pytest.fixture
def http(sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=sim.url, headers={"User-Agent": "greenroom-tests/1"}, timeout=5.0
    ) as client:
        yield client
