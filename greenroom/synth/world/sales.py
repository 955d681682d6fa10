"""True ticket sales: transactions of 1-8 tickets from on-sale to show, by real customers.

Per concert, transactions are drawn until their tickets reach the concert's demand (the
last one trimmed, so a concert never sells more than its capacity); then each gets a
moment in the sales window, and those at or after the cut-off (show start, the reference
date, or the cancellation) never happened. Buyers are mostly locals who like the genre.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from greenroom.synth import chars
from greenroom.synth.streams import rng_for
from greenroom.synth.world import market
from greenroom.synth.world.choice import GroupedChooser, categorical
from greenroom.synth.world.columns import cents_to_usd, np_col, ts_utc

_N_GENRES = 64  # > number of genres; group keys are city * _N_GENRES + genre
_MODES = np.array([0.45, 0.30, 0.10, 0.15])  # city+genre, city, genre, anyone


class _Buyers:
    """Pick a customer for each transaction, preferring locals and fans of the genre."""

    def __init__(self, customers: pa.Table) -> None:
        city = np_col(customers, "_city_idx").astype(np.int64)
        genre = np_col(customers, "_genre_idx").astype(np.int64)
        weight = np.maximum(np.round(np_col(customers, "_activity") * 2), 1).astype(np.int64)
        self.by_city_genre = GroupedChooser(city * _N_GENRES + genre, weight)
        self.by_city = GroupedChooser(city, weight)
        self.by_genre = GroupedChooser(genre, weight)
        self.anyone = GroupedChooser(np.zeros(len(city), dtype=np.int64), weight)

    def pick(self, rng: np.random.Generator, city: np.ndarray, genre: np.ndarray) -> np.ndarray:
        n = len(city)
        mode = rng.choice(4, size=n, p=_MODES)
        u = rng.random(n)
        out = np.full(n, -1, dtype=np.int64)
        steps = [
            (self.by_city_genre, city * _N_GENRES + genre),
            (self.by_city, city),
            (self.by_genre, genre),
        ]
        for level, (chooser, key) in enumerate(steps):
            todo = (out < 0) & (mode <= level)
            if todo.any():
                out[todo] = chooser.choose(key[todo], u[todo])
        todo = out < 0
        out[todo] = self.anyone.choose(np.zeros(int(todo.sum()), dtype=np.int64), u[todo])
        return out


def _baskets(
    rng: np.random.Generator,
    buyers: _Buyers,
    segment_of: np.ndarray,
    concert: np.ndarray,
    need: np.ndarray,
    city: np.ndarray,
    genre: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Transactions (concert, customer, quantity) whose quantities sum to ``need`` per concert."""
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    remaining = need.astype(np.int64).copy()
    while (remaining > 0).any():
        todo = np.flatnonzero(remaining > 0)
        draws = np.ceil(remaining[todo] / 2.2).astype(np.int64) + 3
        conc = np.repeat(todo, draws)
        cust = buyers.pick(rng, city[conc], genre[conc])
        qty = 1 + categorical(rng, market.QUANTITY_P, segment_of[cust])
        start = np.concatenate([[0], np.cumsum(draws)[:-1]])
        cum = np.cumsum(qty)
        before = cum - qty - np.repeat(cum[start] - qty[start], draws)
        keep = before < np.repeat(remaining[todo], draws)
        qty = np.minimum(qty, np.repeat(remaining[todo], draws) - before)
        parts.append((conc[keep], cust[keep], qty[keep]))
        sold = np.bincount(conc[keep], weights=qty[keep], minlength=len(need)).astype(np.int64)
        remaining -= sold
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))


def build_sales(
    seed: int, concerts: pa.Table, venues: pa.Table, customers: pa.Table, artists: pa.Table
) -> pa.Table:
    """Every sale made before the reference date, ordered by purchase time."""
    rng = rng_for(seed, "sales")
    venue = np_col(concerts, "_venue_idx")
    city = np_col(venues, "_city_idx").astype(np.int64)[venue]
    genre = np_col(artists, "_genre_idx").astype(np.int64)[np_col(concerts, "_artist_idx")]
    segment_of = np_col(customers, "_segment_idx").astype(np.int64)
    conc, cust, qty = _baskets(
        rng,
        _Buyers(customers),
        segment_of,
        np.arange(concerts.num_rows),
        np_col(concerts, "demand"),
        city,
        genre,
    )

    onsale, event = np_col(concerts, "_onsale_ms")[conc], np_col(concerts, "_event_ms")[conc]
    when = onsale + (market.timing_draw(rng, len(conc)) * (event - onsale)).astype(np.int64)
    real = when < np_col(concerts, "_cutoff_ms")[conc]
    conc, cust, qty, when = conc[real], cust[real], qty[real], when[real]
    n = len(conc)

    seg = segment_of[cust]
    tier = categorical(rng, market.TIER_P, seg)
    reserved = np_col(concerts, "_res_c")[conc]
    tier = np.where((tier == 1) & (reserved < 0), 0, tier)
    price = np.stack(
        [np_col(concerts, "_ga_c")[conc], reserved, np_col(concerts, "_vip_c")[conc]], axis=1
    )
    cents = price[np.arange(n), tier]

    on_tm = np.asarray(concerts["ticketmaster_event_id"].is_valid().to_numpy(zero_copy_only=False))[
        conc
    ]
    mix = np.stack([market.CHANNEL_P_PROMOTER_ONLY, market.CHANNEL_P_TICKETMASTER])
    channel = categorical(rng, mix, on_tm.astype(np.int64))
    when = np.where(channel == 2, when, when - when % 1000)  # only the stream keeps milliseconds

    order = np.lexsort((np.arange(n), when))
    conc, cust, qty, when, tier, cents, channel, seg = (
        a[order] for a in (conc, cust, qty, when, tier, cents, channel, seg)
    )
    return pa.table(
        {
            "sale_id": chars.to_strings(
                chars.hstack([chars.literal(n, "S"), chars.digits(np.arange(1, n + 1), 8)])
            ),
            "concert_id": concerts["concert_id"].take(pa.array(conc)).combine_chunks(),
            "customer_id": customers["customer_id"].take(pa.array(cust)).combine_chunks(),
            "price_tier": pa.DictionaryArray.from_arrays(
                pa.array(tier.astype(np.int8)), pa.array(market.TIERS)
            ),
            "quantity": pa.array(qty.astype(np.int64)),
            "unit_price": cents_to_usd(cents),
            "purchase_timestamp": ts_utc(when),
            "customer_segment": pa.DictionaryArray.from_arrays(
                pa.array(seg.astype(np.int8)), pa.array(market.SEGMENTS)
            ),
            "channel": pa.DictionaryArray.from_arrays(
                pa.array(channel.astype(np.int8)), pa.array(market.CHANNELS)
            ),
            "_concert_idx": pa.array(conc.astype(np.int32)),
            "_customer_idx": pa.array(cust.astype(np.int32)),
            "_tier_idx": pa.array(tier.astype(np.int8)),
            "_channel_idx": pa.array(channel.astype(np.int8)),
            "_cents": pa.array(cents),
            "_ms": pa.array(when),
        }
    )
