"""True concerts: who plays where and when, prices, status, and the demand for tickets.

Demand = popularity x city size x season x weekday (x noise), capped by capacity.
Artists look for venues sized to their draw (popular artists play bigger rooms). One
global factor scales every artist's draw so the transactions sold before the reference
date land near the scale's target; it is found by bisection, so the calibration is
deterministic.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.synth import chars
from greenroom.synth.calendar import MS_PER_DAY, civil, days_from_civil, epoch_day, weekday
from greenroom.synth.reference import cities
from greenroom.synth.scales import ScaleSpec
from greenroom.synth.streams import rng_for
from greenroom.synth.world import market
from greenroom.synth.world.columns import cents_to_usd, np_col, ts_local, ts_utc

_WEEKDAY_P = np.array([0.04, 0.07, 0.10, 0.17, 0.28, 0.27, 0.07])  # Mon..Sun bookings
_WEEKDAY_F = np.array([0.75, 0.80, 0.85, 0.95, 1.10, 1.15, 0.90])  # demand
_MONTH_BOOKING = np.array([0.60, 0.75, 0.95, 1.0, 1.0, 0.90, 0.85, 0.70, 1.0, 1.0, 1.0, 0.80])
_SEASON_F = np.array([0.85, 0.88, 0.95, 1.0, 1.0, 1.02, 1.0, 0.95, 1.0, 1.02, 1.05, 1.08])
_GA_LO = np.array([12.0, 30.0, 45.0, 55.0])
_GA_HI = np.array([35.0, 80.0, 120.0, 140.0])
_OUTDOOR = 3
_CLUB = 0


def _years_from(day: dt.date, years: int) -> int:
    try:
        return epoch_day(day.replace(year=day.year + years))
    except ValueError:  # 29 February
        return epoch_day(day.replace(year=day.year + years, day=28))


def _draw_days(rng: np.random.Generator, n: int, start: int, end: int) -> np.ndarray:
    """Show days in [start, end): weekend-heavy, fewer in January and August."""
    monday = start - int(weekday(np.array([start]))[0])
    weeks = (end - monday) // 7 + 1
    days = np.zeros(n, dtype=np.int64)
    todo = np.ones(n, dtype=bool)
    while todo.any():
        k = int(todo.sum())
        d = monday + 7 * rng.integers(weeks, size=k) + rng.choice(7, size=k, p=_WEEKDAY_P)
        _, month, _ = civil(d)
        ok = (d >= start) & (d < end) & (rng.random(k) < _MONTH_BOOKING[month - 1])
        idx = np.flatnonzero(todo)
        days[idx[ok]] = d[ok]
        todo[idx[ok]] = False
    return days


def _later_duplicates(key: np.ndarray) -> np.ndarray:
    _, first = np.unique(key, return_index=True)
    dup = np.ones(len(key), dtype=bool)
    dup[first] = False
    return dup


def _separate(
    days: np.ndarray, venue: np.ndarray, artist: np.ndarray, start: int, end: int
) -> np.ndarray:
    """Move clashing shows (same venue or same artist on one day) to nearby days."""
    days = days.copy()
    for step in range(1, 400):
        clash = _later_duplicates(venue * 100_000 + days) | _later_duplicates(
            artist * 100_000 + days
        )
        if not clash.any():
            break
        days[clash] += step if step % 2 else -step
        days = np.clip(days, start, end - 1)
    return days


def _summer_only(rng: np.random.Generator, days: np.ndarray, outdoor: np.ndarray) -> np.ndarray:
    """Outdoor shows in winter move to a summer weekend of the same year."""
    year, month, _ = civil(days)
    bad = outdoor & ((month < 5) | (month > 9))
    if bad.any():
        july = days_from_civil(year[bad], np.full(bad.sum(), 7), np.ones(bad.sum()))
        sat = july + (5 - weekday(july)) % 7 + 7 * rng.integers(0, 8, size=int(bad.sum()))
        days = days.copy()
        days[bad] = sat
    return days


def build_concerts(
    seed: int, spec: ScaleSpec, artists: pa.Table, venues: pa.Table, today: dt.date
) -> pa.Table:
    rng = rng_for(seed, "concerts")
    n = spec.concerts
    start, end, today_day = _years_from(today, -3), _years_from(today, 1), epoch_day(today)
    pop = np_col(artists, "popularity") / 100.0
    cap = np_col(venues, "capacity").astype(np.float64)
    vtype = np_col(venues, "_type_idx")
    city_pop = np.asarray(cities()["population_m"].to_numpy())[np_col(venues, "_city_idx")]

    lam = 0.4 + 3.0 * pop**1.2
    artist = rng.choice(len(pop), size=n, p=lam / lam.sum())
    days = _draw_days(rng, n, start, end)
    _, month, _ = civil(days)
    summer = (month >= 5) & (month <= 9)
    draw = np.log(200.0) + pop[artist] ** 1.3 * np.log(250.0) + rng.normal(0, 0.35, n)
    k = min(16, len(cap))
    cand = rng.integers(len(cap), size=(n, k))
    base_lw = np.log(city_pop[cand]) * 0.3 - np.where(
        (vtype[cand] == _OUTDOOR) & ~summer[:, None], 1e6, 0.0
    )
    pick_u = rng.random(n)
    noise = np.exp(rng.normal(0, 0.3, n))
    lead = rng.integers(60, 181, size=n)
    sold_share = market.timing_cdf((today_day - (days - lead)) / lead)
    q_mean = market.mean_quantity()

    def place(log_k: float) -> tuple[np.ndarray, np.ndarray]:
        t = draw + log_k
        lw = base_lw - 0.5 * ((np.log(cap[cand]) - t[:, None]) / 0.45) ** 2
        w = np.exp(lw - lw.max(axis=1, keepdims=True))
        cum = np.cumsum(w, axis=1)
        slot = np.minimum((cum < pick_u[:, None] * cum[:, -1:]).sum(axis=1), k - 1)
        venue = cand[np.arange(n), slot]
        demand = np.exp(t) * 0.9 * noise * (city_pop[venue] / 3.0) ** 0.1
        return venue, demand

    def expected_tx(log_k: float) -> float:
        venue, demand = place(log_k)
        sold = np.minimum(demand * _WEEKDAY_F[weekday(days)] * _SEASON_F[month - 1], cap[venue])
        return float((sold * sold_share).sum() * (1 - market.CANCEL_RATE / 2) / q_mean)

    lo, hi = -12.0, 6.0
    for _ in range(32):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if expected_tx(mid) < spec.transactions else (lo, mid)
    venue, demand = place((lo + hi) / 2)

    days = _summer_only(rng, _separate(days, venue, artist, start, end), vtype[venue] == _OUTDOOR)
    _, month, _ = civil(days)
    demand = np.minimum(
        np.round(demand * _WEEKDAY_F[weekday(days)] * _SEASON_F[month - 1]), cap[venue]
    ).astype(np.int64)

    outdoor = vtype[venue] == _OUTDOOR
    minutes = np.where(
        outdoor,
        rng.choice([1020, 1080, 1110, 1140], size=n),
        rng.choice([1140, 1170, 1200, 1230, 1260], size=n, p=[0.2, 0.25, 0.3, 0.15, 0.1]),
    )
    local_ms = days * MS_PER_DAY + minutes * 60_000
    event_ms = _to_utc(
        local_ms,
        np.asarray(venues["timezone"].take(pa.array(venue)).to_numpy(zero_copy_only=False)),
    )
    onsale_ms = event_ms - lead * MS_PER_DAY - (minutes - 600) * 60_000
    today_ms = today_day * MS_PER_DAY
    cancelled = rng.random(n) < market.CANCEL_RATE
    cancel_ms = np.minimum(
        onsale_ms + rng.uniform(0.3, 0.95, n) * (event_ms - onsale_ms), today_ms - 3_600_000
    )
    cancel_ms = cancel_ms.astype(np.int64)
    cutoff = np.minimum(event_ms, today_ms)
    cutoff = np.where(cancelled, np.minimum(cutoff, cancel_ms), cutoff)
    status = np.where(cancelled, "cancelled", np.where(days < today_day, "completed", "scheduled"))

    vt = vtype[venue]
    ga = rng.uniform(_GA_LO[vt], _GA_HI[vt]) * (0.85 + 0.5 * pop[artist])
    ga_c = (np.round(ga * 2) * 50).astype(np.int64)
    res_c = np.where(vt == _CLUB, -1, (np.round(ga_c * 1.5 / 50) * 50).astype(np.int64))
    vip_c = (np.round(ga_c * rng.uniform(2.2, 3.5, n) / 100) * 100).astype(np.int64)

    order = np.lexsort((venue, event_ms))
    cols = {
        name: arr[order]
        for name, arr in {
            "artist": artist,
            "venue": venue,
            "event_ms": event_ms,
            "local_ms": local_ms,
            "onsale_ms": onsale_ms,
            "cancelled": cancelled,
            "cancel_ms": cancel_ms,
            "cutoff": cutoff,
            "status": status,
            "demand": demand,
            "ga_c": ga_c,
            "res_c": res_c,
            "vip_c": vip_c,
            "day": days,
        }.items()
    }
    promoter_rank = np.empty(n, dtype=np.int64)
    promoter_rank[np.lexsort((np.arange(n), cols["onsale_ms"]))] = np.arange(1, n + 1)
    tm_venue = np.asarray(venues["ticketmaster_id"].is_valid().to_numpy(zero_copy_only=False))[
        cols["venue"]
    ]
    tm_ids = chars.to_strings(
        chars.hstack([chars.literal(n, "vvG1"), chars.unique_tokens(rng, n, 12)])
    )

    return pa.table(
        {
            "concert_id": chars.to_strings(
                chars.hstack([chars.literal(n, "C"), chars.digits(np.arange(1, n + 1), 6)])
            ),
            "artist_id": artists["artist_id"].take(pa.array(cols["artist"])).combine_chunks(),
            "venue_id": venues["venue_id"].take(pa.array(cols["venue"])).combine_chunks(),
            "event_date": ts_utc(cols["event_ms"]),
            "local_start": ts_local(cols["local_ms"]),
            "on_sale": ts_utc(cols["onsale_ms"]),
            "status": pa.array(cols["status"], pa.string()),
            "cancelled_at": ts_utc(cols["cancel_ms"], valid=cols["cancelled"]),
            "ticket_prices": _price_map(cols["ga_c"], cols["res_c"], cols["vip_c"]),
            "price_ga": cents_to_usd(cols["ga_c"]),
            "price_reserved": cents_to_usd(cols["res_c"], valid=cols["res_c"] >= 0),
            "price_vip": cents_to_usd(cols["vip_c"]),
            "capacity": pa.array(cap[cols["venue"]].astype(np.int64)),
            "demand": pa.array(cols["demand"]),
            "promoter_id": chars.to_strings(
                chars.hstack([chars.literal(n, "PRM-"), chars.digits(promoter_rank, 6)])
            ),
            "ticketmaster_event_id": pa.array(tm_ids.to_pylist(), pa.string(), mask=~tm_venue),
            "_artist_idx": pa.array(cols["artist"].astype(np.int32)),
            "_venue_idx": pa.array(cols["venue"].astype(np.int32)),
            "_ga_c": pa.array(cols["ga_c"]),
            "_res_c": pa.array(cols["res_c"]),
            "_vip_c": pa.array(cols["vip_c"]),
            "_event_ms": pa.array(cols["event_ms"]),
            "_local_ms": pa.array(cols["local_ms"]),
            "_onsale_ms": pa.array(cols["onsale_ms"]),
            "_cutoff_ms": pa.array(cols["cutoff"]),
        }
    )


def _to_utc(local_ms: np.ndarray, zones: np.ndarray) -> np.ndarray:
    """Wall-clock times in their IANA zones to UTC epoch milliseconds."""
    out = np.empty(len(local_ms), dtype=np.int64)
    for zone in np.unique(zones):
        mask = zones == zone
        utc = pc.assume_timezone(
            ts_local(local_ms[mask]), timezone=str(zone), ambiguous="earliest", nonexistent="latest"
        )
        out[mask] = np.asarray(utc.cast(pa.int64()).to_numpy())
    return out


def _price_map(ga: np.ndarray, reserved: np.ndarray, vip: np.ndarray) -> pa.Array:
    """``{"GA": 45.0, "reserved": 67.5, "VIP": 120.0}`` per concert (no reserved tier when < 0)."""
    n = len(ga)
    cents = np.stack([ga, reserved, vip], axis=1)
    valid = cents >= 0
    keys = np.broadcast_to(np.array(market.TIERS), (n, 3))[valid]
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(valid.sum(axis=1), out=offsets[1:])
    return pa.MapArray.from_arrays(
        pa.array(offsets), pa.array(keys, pa.string()), pa.array(cents[valid] / 100.0)
    )
