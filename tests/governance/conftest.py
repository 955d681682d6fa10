"""Fixtures of the governance tests: the tiny messy world's lake and its derived lineage."""

from __future__ import annotations

import pytest

from greenroom.governance.lineage.derive import Derived, derive
from greenroom.governance.lineage.graph import LineageGraph
from greenroom.lake import Lakehouse
from tests.conftest import BuiltWorld


@pytest.fixture(scope="session")
def world_lake(messy_world: BuiltWorld) -> Lakehouse:
    """The messy world's lake (read it only: other suites share it)."""
    return Lakehouse.open(messy_world.settings)


@pytest.fixture(scope="session")
def derived(world_lake: Lakehouse) -> Derived:
    """The pipeline's lineage traced against the messy world's schemas."""
    return derive(world_lake)


@pytest.fixture(scope="session")
def graph(derived: Derived) -> LineageGraph:
    return derived.graph
