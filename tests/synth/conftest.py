"""Synthetic worlds shared by the synth tests (scale ``tiny``, built once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from greenroom.synth import generate

HEAVY_RATES = {
    "name_variant": 0.1,
    "mojibake": 0.3,
    "mixed_date_format": 0.1,
    "bad_date": 0.05,
    "missing_required": 0.05,
    "negative_price": 0.05,
    "unknown_reference": 0.05,
    "replayed_event": 0.1,
    "wrong_coordinates": 0.2,
    "local_currency": 0.15,
}


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny world with the default defect rates."""
    out = tmp_path_factory.mktemp("synth") / "default"
    generate(out, "tiny")
    return out


@pytest.fixture(scope="session")
def clean_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "clean"
    generate(out, "tiny", clean=True)
    return out


@pytest.fixture(scope="session")
def messy_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny world with high rates, so every kind shows up many times."""
    out = tmp_path_factory.mktemp("synth") / "messy"
    generate(out, "tiny", seed=11, defect_rates=HEAVY_RATES)
    return out
