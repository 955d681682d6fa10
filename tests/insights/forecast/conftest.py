"""A forecaster trained once on the tiny messy world."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from greenroom.insights.forecast import TrainedForecaster, train_forecaster
from greenroom.lake import Lakehouse
from greenroom.lake.session import Session
from tests.conftest import BuiltWorld


@pytest.fixture(scope="module")
def messy_reader(messy_world: BuiltWorld) -> Iterator[Session]:
    with Lakehouse.open(messy_world.settings).session() as session:
        yield session


@pytest.fixture(scope="module")
def forecaster(messy_reader: Session, messy_world: BuiltWorld) -> TrainedForecaster:
    return train_forecaster(messy_reader, messy_world.settings.today)
