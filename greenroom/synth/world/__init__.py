"""The true world behind every source file: artists, venues, concerts, customers, sales.

Built from the seed, the scale and the reference date only (defect rates never change
it). Columns whose names start with ``_`` are internal indices and integer amounts used
by the feed writers; they are not written to the truth files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from greenroom.synth.scales import ScaleSpec
from greenroom.synth.world.artists import GENRES, build_artists
from greenroom.synth.world.columns import np_col
from greenroom.synth.world.concerts import build_concerts
from greenroom.synth.world.customers import build_customers, with_signup
from greenroom.synth.world.sales import build_sales
from greenroom.synth.world.venues import VENUE_TYPES, build_venues

__all__ = ["GENRES", "VENUE_TYPES", "World", "build_world"]


@dataclass(frozen=True)
class World:
    today: dt.date
    artists: pa.Table
    venues: pa.Table
    concerts: pa.Table
    customers: pa.Table
    sales: pa.Table


def build_world(
    spec: ScaleSpec, seed: int, today: dt.date, progress: Callable[[str], None] | None = None
) -> World:
    say = progress or (lambda _msg: None)
    say(f"world: {spec.artists:,} artists, {spec.venues:,} venues")
    artists = build_artists(seed, spec.artists, today)
    venues = build_venues(seed, spec.venues)
    say("world: concerts")
    concerts = build_concerts(seed, spec, artists, venues, today)
    customers = build_customers(seed, spec.customers, today)
    say("world: ticket sales")
    sales = build_sales(seed, concerts, venues, customers, artists)
    first = np.full(customers.num_rows, -1, dtype=np.int64)
    buyer = np_col(sales, "_customer_idx")
    uniq, idx = np.unique(buyer, return_index=True)
    first[uniq] = np_col(sales, "_ms")[idx]
    customers = with_signup(customers, first, seed, today)
    return World(today, artists, venues, concerts, customers, sales)
