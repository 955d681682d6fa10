"""``stream_sales/events.ndjson``: the recorded live Ticketmaster sale stream.

Lines are in delivery order. ``emitted_at`` trails ``occurred_at`` by a few hundred
milliseconds, by up to 90 s for out-of-order events and by hours for late ones. A
replayed event repeats an earlier line byte for byte, later in the file.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from greenroom.synth import calendar, chars
from greenroom.synth.calendar import MS_PER_DAY, epoch_day
from greenroom.synth.defects.plan import DefectLog
from greenroom.synth.feeds._amounts import unknown_ids
from greenroom.synth.feeds._lines import Column, fragment, json_lines, take_rows
from greenroom.synth.feeds._sales import (
    blank_required,
    channel_sales,
    text_table,
    tier_text,
)
from greenroom.synth.feeds.base import FeedContext, FeedResult, PiiKind, entities, result
from greenroom.synth.world import World

FEED = "stream_sales"
_REQUIRED = ("event_ref", "customer_id", "quantity", "unit_price")
PII: Mapping[str, PiiKind] = {"customer_id": "customer_id"}
OUT_OF_ORDER_RATE = 0.05
LATE_RATE = 0.01


def emission_delays(
    rng: np.random.Generator,
    occurred: np.ndarray,
    limit_ms: int | None,
    out_of_order_rate: float,
    late_rate: float,
) -> np.ndarray:
    """Milliseconds from occurrence to emission for each event (late ones stay before ``limit_ms``)."""
    n = len(occurred)
    delay = rng.integers(40, 800, size=n)
    kind = rng.random(n)
    slow = kind < out_of_order_rate
    delay[slow] = rng.integers(1_000, 90_000, size=int(slow.sum()))
    late = (kind >= out_of_order_rate) & (kind < out_of_order_rate + late_rate)
    hours = rng.integers(3_600_000, 12 * 3_600_000, size=n)
    if limit_ms is not None:
        late &= occurred + hours < limit_ms
    delay[late] = hours[late]
    return delay


def stream_sales(world: World, ctx: FeedContext) -> FeedResult:
    s = channel_sales(world, "stream")
    rng = ctx.rng(FEED)
    plan = ctx.plan(FEED, s.n)
    log = DefectLog(FEED)
    ids = chars.to_strings(s.ids)
    tm = text_table(world.concerts["ticketmaster_event_id"].fill_null("").to_pylist())
    crm = text_table(world.customers["crm_id"].to_pylist())
    shown_cents = s.cents.copy()
    event_ids = chars.hstack([chars.literal(s.n, "evt-"), chars.tokens(rng, s.n, 16, chars.HEX)])
    today_ms = epoch_day(ctx.today) * MS_PER_DAY
    emitted = s.ms + emission_delays(rng, s.ms, today_ms, OUT_OF_ORDER_RATE, LATE_RATE)
    refs = take_rows(tm, s.concert)
    keys = refs.copy()

    cols = [
        Column(s.n, lambda i: fragment("event_id", first=True)(event_ids[i])),
        Column(s.n, lambda i: chars.literal(len(i), ', "event_type": "ticket.sold"')),
        Column(s.n, lambda i: fragment("sale_id")(s.ids[i])),
        Column(s.n, lambda i: fragment("event_ref")(refs[i])),
        Column(s.n, lambda i: fragment("customer_id")(take_rows(crm, s.customer[i]))),
        Column(s.n, lambda i: fragment("tier")(tier_text(s.tier[i]))),
        Column(s.n, lambda i: fragment("quantity", quoted=False)(chars.digits(s.qty[i], 1))),
        Column(
            s.n, lambda i: fragment("unit_price", quoted=False)(chars.amount(shown_cents[i], 7))
        ),
        Column(s.n, lambda i: chars.literal(len(i), ', "currency": "USD"')),
        Column(
            s.n, lambda i: fragment("occurred_at")(calendar.timestamp_text(s.ms[i], "iso_ms_z"))
        ),
        Column(
            s.n, lambda i: fragment("emitted_at")(calendar.timestamp_text(emitted[i], "iso_ms_z"))
        ),
        Column(s.n, lambda i: fragment("partition_key")(keys[i])),
    ]
    by_name = {
        "event_ref": cols[3],
        "customer_id": cols[4],
        "quantity": cols[6],
        "unit_price": cols[7],
    }
    negative = np.flatnonzero(plan.mask("negative_price"))
    shown_cents[negative] = -shown_cents[negative]
    log.add("negative_price", ids.take(negative), "unit_price")
    missing, which = blank_required(rng, plan, log, ids, by_name, _REQUIRED)
    keys[missing[which == 0]] = 0  # no event_ref: the sale id is the partition key
    keys[missing[which == 0], : s.ids.shape[1]] = s.ids[missing[which == 0]]
    unknown = np.flatnonzero(plan.mask("unknown_reference"))
    known = set(world.concerts["ticketmaster_event_id"].drop_null().to_pylist())
    fake_ids = unknown_ids(
        known,
        lambda k: chars.to_strings(
            chars.hstack([chars.literal(k, "vvG1"), chars.tokens(rng, k, 12)])
        ).to_pylist(),
        len(unknown),
    )
    fake = text_table(fake_ids) if fake_ids else np.zeros((0, 16), dtype=np.uint8)
    refs[unknown], keys[unknown] = 0, 0
    refs[unknown, : fake.shape[1]] = fake
    keys[unknown, : fake.shape[1]] = fake
    log.add("unknown_reference", ids.take(unknown), "event_ref", fake_ids)

    replay = np.flatnonzero(plan.mask("replayed_event"))
    log.add("replayed_event", ids.take(replay), "event_id")
    rows = np.concatenate([np.arange(s.n), replay])
    delivered = np.concatenate(
        [emitted, emitted[replay] + rng.integers(1_000, 1_800_000, size=len(replay))]
    )
    rows = rows[np.lexsort((np.arange(len(rows)), delivered))]
    path, rel = ctx.path(FEED, "events.ndjson")
    with path.open("wb") as fh:
        for start in range(0, len(rows), 400_000):
            fh.write(json_lines(cols, rows[start : start + 400_000]))
    ents = entities("ticket_sale", FEED, ids, chars.to_strings(s.true_ids))
    return result(FEED, [rel], len(rows), ents, log, PII)
