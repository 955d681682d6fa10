"""New live Ticketmaster sale events, continuing a generated world's recorded stream.

Used by the stream producer: events for concerts listed on Ticketmaster and scheduled
after ``start``, with replays, out-of-order and late events like the recorded stream.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from greenroom.synth import calendar, chars
from greenroom.synth.exceptions import SynthError, TruthDirError
from greenroom.synth.feeds._lines import fragment
from greenroom.synth.feeds.stream_sales import emission_delays
from greenroom.synth.manifest import Manifest
from greenroom.synth.streams import rng_for
from greenroom.synth.world import market
from greenroom.synth.world.choice import GroupedChooser, categorical
from greenroom.synth.world.columns import UTC_MS, ms_of

LIVE_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("event_type", pa.string()),
        ("sale_id", pa.string()),
        ("event_ref", pa.string()),
        ("customer_id", pa.string()),
        ("tier", pa.string()),
        ("quantity", pa.int64()),
        ("unit_price", pa.float64()),
        ("currency", pa.string()),
        ("occurred_at", UTC_MS),
        ("emitted_at", UTC_MS),
        ("partition_key", pa.string()),
    ]
)
_GAP_MS = 1_500  # mean time between live sales


def _read(truth_dir: Path, name: str, columns: list[str]) -> pa.Table:
    path = truth_dir / f"{name}.parquet"
    if not path.is_file():
        raise TruthDirError(
            f"`{path}` is missing; point `truth_dir` at the truth/ folder of a generated world"
        )
    return pq.read_table(path, columns=columns)


def _start_ms(truth_dir: Path, start: dt.datetime | None) -> int:
    if start is None:
        manifest = truth_dir.parent / "manifest.json"
        if not manifest.is_file():
            raise TruthDirError(
                f"`{manifest}` is missing; pass `start` or generate the world again"
            )
        return calendar.epoch_day(Manifest.read(manifest).today) * calendar.MS_PER_DAY
    when = start if start.tzinfo else start.replace(tzinfo=dt.UTC)
    return int(when.timestamp() * 1000)


def _check(count: int, rates: dict[str, float]) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise SynthError(f"`count` must be a non-negative integer, got `{count!r}`")
    for name, rate in rates.items():
        if not isinstance(rate, (int, float)) or not math.isfinite(rate) or not 0 <= rate <= 1:
            raise SynthError(f"`{name}` must be a fraction in [0, 1], got `{rate!r}`")
    if rates["out_of_order_rate"] + rates["late_rate"] > 1:
        raise SynthError("`out_of_order_rate` + `late_rate` must not exceed 1")


def live_events(
    truth_dir: Path,
    count: int,
    seed: int = 0,
    start: dt.datetime | None = None,
    replay_rate: float = 0.02,
    out_of_order_rate: float = 0.05,
    late_rate: float = 0.01,
) -> pa.Table:
    """``count`` stream events (replays included) in delivery order, as :data:`LIVE_SCHEMA`.

    Sale ids (``TMS-L…``) never collide with the recorded ``TMS-<digits>`` ones; the same
    arguments give the same events.
    """
    _check(
        count,
        {
            "replay_rate": replay_rate,
            "out_of_order_rate": out_of_order_rate,
            "late_rate": late_rate,
        },
    )
    truth_dir = Path(truth_dir)
    start_ms = _start_ms(truth_dir, start)
    rng = rng_for(int(seed), "live", str(start_ms))
    n_replay = round(count * replay_rate) if count > 1 else 0
    n = count - n_replay
    occurred = start_ms + np.cumsum(rng.exponential(_GAP_MS, size=n)).astype(np.int64)
    horizon = int(occurred.max()) if n else start_ms

    con = _read(
        truth_dir,
        "concerts",
        [
            "venue_id",
            "event_date",
            "status",
            "ticketmaster_event_id",
            "price_ga",
            "price_reserved",
            "price_vip",
            "demand",
        ],
    )
    listed = pc.and_(
        pc.is_valid(con["ticketmaster_event_id"]), pc.equal(con["status"], "scheduled")
    )
    con = con.filter(pc.and_(listed, pc.greater(con["event_date"].cast(pa.int64()), horizon)))
    if n and con.num_rows == 0:
        raise SynthError(
            "no Ticketmaster concert is scheduled after the live window; pass an earlier `start` "
            "or generate the world with a later `today`"
        )
    venues = _read(truth_dir, "venues", ["venue_id", "city"])
    customers = _read(truth_dir, "customers", ["crm_id", "city", "segment"])
    cities = pc.unique(
        pc.cast(
            pa.concat_arrays([venues["city"].combine_chunks(), customers["city"].combine_chunks()]),
            pa.string(),
        )
    )
    cust_city = np.asarray(pc.index_in(customers["city"], cities).to_numpy())
    venue_city = np.asarray(pc.index_in(venues["city"], cities).to_numpy())
    con_city = venue_city[np.asarray(pc.index_in(con["venue_id"], venues["venue_id"]).to_numpy())]
    segment = np.asarray(pc.index_in(customers["segment"], pa.array(market.SEGMENTS)).to_numpy())

    demand = np.asarray(con["demand"].to_numpy(), dtype=np.float64) + 1.0
    pick = (
        rng.choice(con.num_rows, size=n, p=demand / demand.sum())
        if n
        else np.zeros(0, dtype=np.int64)
    )
    weight = np.maximum(np.round(market.SEGMENT_ACTIVITY[segment] * 2), 1).astype(np.int64)
    local = GroupedChooser(cust_city, weight).choose(con_city[pick], rng.random(n))
    anyone = GroupedChooser(np.zeros(len(segment), dtype=np.int64), weight).choose(
        np.zeros(n, dtype=np.int64), rng.random(n)
    )
    buyer = np.where((rng.random(n) < 0.7) & (local >= 0), local, anyone)
    seg = segment[buyer]
    qty = 1 + categorical(rng, market.QUANTITY_P, seg)
    tier = categorical(rng, market.TIER_P, seg)
    prices = np.stack(
        [
            np.asarray(con[c].fill_null(-1.0).to_numpy())
            for c in ("price_ga", "price_reserved", "price_vip")
        ],
        axis=1,
    )
    tier = np.where((tier == 1) & (prices[pick, 1] < 0), 0, tier)
    price = prices[pick, tier]
    emitted = occurred + emission_delays(rng, occurred, None, out_of_order_rate, late_rate)
    event_ref = con["ticketmaster_event_id"].combine_chunks().take(pick)

    table = pa.table(
        {
            "event_id": chars.to_strings(
                chars.hstack([chars.literal(n, "evt-"), chars.tokens(rng, n, 16, chars.HEX)])
            ),
            "event_type": pa.array(["ticket.sold"] * n, pa.string()),
            "sale_id": chars.to_strings(
                chars.hstack([chars.literal(n, "TMS-L"), chars.unique_tokens(rng, n, 12)])
            ),
            "event_ref": event_ref,
            "customer_id": customers["crm_id"].combine_chunks().take(buyer),
            "tier": pa.array(np.array(market.TIERS)[tier] if n else [], pa.string()),
            "quantity": pa.array(qty.astype(np.int64)),
            "unit_price": pa.array(price, pa.float64()),
            "currency": pa.array(["USD"] * n, pa.string()),
            "occurred_at": pa.array(occurred, pa.int64()).cast(UTC_MS),
            "emitted_at": pa.array(emitted, pa.int64()).cast(UTC_MS),
            "partition_key": event_ref,
        },
        schema=LIVE_SCHEMA,
    )
    replay = np.sort(rng.integers(0, n, size=n_replay)) if n_replay else np.zeros(0, dtype=np.int64)
    rows = np.concatenate([np.arange(n), replay])
    delivered = np.concatenate(
        [emitted, emitted[replay] + rng.integers(1_000, 600_000, size=n_replay)]
    )
    return table.take(pa.array(rows[np.lexsort((np.arange(len(rows)), delivered))]))


def stream_event_lines(events: pa.Table) -> pa.StringArray:
    """Events (:data:`LIVE_SCHEMA`) as NDJSON lines in the recorded stream's exact format."""
    n = events.num_rows

    def text(col: str) -> np.ndarray:
        return chars.from_strings(events[col].combine_chunks())

    cents = np.round(np.asarray(events["unit_price"].to_numpy()) * 100).astype(np.int64)
    parts = [
        chars.literal(n, "{"),
        fragment("event_id", first=True)(text("event_id")),
        fragment("event_type")(text("event_type")),
        fragment("sale_id")(text("sale_id")),
        fragment("event_ref")(text("event_ref")),
        fragment("customer_id")(text("customer_id")),
        fragment("tier")(text("tier")),
        fragment("quantity", quoted=False)(
            chars.digits(np.asarray(events["quantity"].to_numpy()), 1)
        ),
        fragment("unit_price", quoted=False)(chars.amount(cents, 7)),
        fragment("currency")(text("currency")),
        fragment("occurred_at")(calendar.timestamp_text(ms_of(events["occurred_at"]), "iso_ms_z")),
        fragment("emitted_at")(calendar.timestamp_text(ms_of(events["emitted_at"]), "iso_ms_z")),
        fragment("partition_key")(text("partition_key")),
        chars.literal(n, "}"),
    ]
    return chars.to_strings(chars.hstack(parts))
