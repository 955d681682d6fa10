"""The true world: realistic shapes, calibrated sizes, capped demand, ~3% cancellations."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pyarrow.compute as pc

from greenroom.synth.calendar import civil
from greenroom.synth.reference import cities, fx_rates
from greenroom.synth.scales import scale_spec
from greenroom.synth.world import VENUE_TYPES, build_world
from greenroom.synth.world.artists import build_artists
from greenroom.synth.world.concerts import build_concerts
from greenroom.synth.world.venues import build_venues

TODAY = dt.date(2026, 6, 30)


def test_reference_cities_are_real_and_priced() -> None:
    table = cities()
    assert table.num_rows >= 60
    names = set(table["city"].to_pylist())
    assert {"München", "Zürich", "São Paulo", "Montréal", "Köln", "Malmö"} <= names
    assert set(table["currency"].to_pylist()) <= set(fx_rates()["currency"].to_pylist())
    lat, lon = table["latitude"].to_numpy(), table["longitude"].to_numpy()
    assert (np.abs(lat) <= 90).all() and (np.abs(lon) <= 180).all()


def test_tiny_world_hits_its_sizes() -> None:
    spec = scale_spec("tiny")
    world = build_world(spec, 7, TODAY)
    assert (world.artists.num_rows, world.venues.num_rows, world.customers.num_rows) == (
        40,
        25,
        1000,
    )
    assert abs(world.sales.num_rows - spec.transactions) < 0.2 * spec.transactions
    assert world.concerts.num_rows == spec.concerts
    assert len(set(world.artists["name"].to_pylist())) == 40
    assert any(not n.isascii() for n in world.customers["full_name"].to_pylist())
    emails = world.customers["email"].to_pylist()
    assert len(set(emails)) == len(emails) and all(e.isascii() for e in emails)


def test_concerts_cancellations_capacity_and_calendar() -> None:
    spec = scale_spec("sf1")
    artists = build_artists(3, spec.artists, TODAY)
    venues = build_venues(3, spec.venues)
    concerts = build_concerts(3, spec, artists, venues, TODAY)
    status = Counter(concerts["status"].to_pylist())
    assert 0.02 < status["cancelled"] / concerts.num_rows < 0.04
    assert status["completed"] > status["scheduled"] > 0
    demand, capacity = concerts["demand"].to_numpy(), concerts["capacity"].to_numpy()
    assert (demand <= capacity).all() and (demand == capacity).any()
    days = concerts["local_start"].cast("int64").to_numpy() // 86_400_000
    _, month, _ = civil(days)
    kind = np.asarray(venues["venue_type"].to_numpy(zero_copy_only=False))[
        concerts["_venue_idx"].to_numpy()
    ]
    assert ((month[kind == "outdoor"] >= 5) & (month[kind == "outdoor"] <= 9)).all()
    start = concerts["event_date"].cast("int64").to_numpy()
    assert (
        start.min() >= 1_688_083_200_000 - 86_400_000
        and start.max() < 1_814_313_600_000 + 86_400_000
    )
    slot = concerts["venue_id"].to_numpy(zero_copy_only=False).astype(str).astype(
        object
    ) + days.astype(str)
    assert len(set(slot)) == len(slot), "a venue hosts one show a day"
    popular = pc.greater(artists["popularity"].take(concerts["_artist_idx"]), 50).to_numpy(
        zero_copy_only=False
    )
    assert capacity[popular].mean() > capacity[~popular].mean(), "popular artists play bigger rooms"
    assert set(kind) <= set(VENUE_TYPES)
    club = kind == "club"
    assert concerts["price_reserved"].is_null().to_numpy(zero_copy_only=False)[club].all()
