"""``online_orders/orders-<YYYY>.ndjson``: web-shop order exports, one file per year.

A replayed order is the same line delivered again a little later in the same file.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from greenroom.synth import calendar, chars
from greenroom.synth.defects.dates import bad_dates
from greenroom.synth.defects.plan import DefectLog
from greenroom.synth.feeds._lines import Column, fragment, json_lines, take_rows
from greenroom.synth.feeds._sales import (
    blank_required,
    channel_sales,
    segment_text,
    text_table,
    tier_text,
    unknown_promoter_refs,
)
from greenroom.synth.feeds.base import FeedContext, FeedResult, PiiKind, entities, result
from greenroom.synth.world import World

FEED = "online_orders"
_REQUIRED = ("concert_ref", "customer_id", "tier", "quantity", "unit_price")
PII: Mapping[str, PiiKind] = {"customer_id": "customer_id"}


def online_orders(world: World, ctx: FeedContext) -> FeedResult:
    s = channel_sales(world, "online")
    rng = ctx.rng(FEED)
    plan = ctx.plan(FEED, s.n, {"local_currency": s.currency != "USD"})
    log = DefectLog(FEED)
    ids = chars.to_strings(s.ids)
    events = text_table(world.concerts["promoter_id"].to_pylist())
    crm = text_table(world.customers["crm_id"].to_pylist())
    shown_cents = s.cents.copy()
    usd = chars.vocab(np.zeros(1, dtype=np.int64), ["USD"])

    cols = {
        "order_id": Column(s.n, lambda i: fragment("order_id", first=True)(s.ids[i])),
        "concert_ref": Column(
            s.n, lambda i: fragment("concert_ref")(take_rows(events, s.concert[i]))
        ),
        "customer_id": Column(
            s.n, lambda i: fragment("customer_id")(take_rows(crm, s.customer[i]))
        ),
        "tier": Column(s.n, lambda i: fragment("tier")(tier_text(s.tier[i]))),
        "quantity": Column(
            s.n, lambda i: fragment("quantity", quoted=False)(chars.digits(s.qty[i], 1))
        ),
        "unit_price": Column(
            s.n, lambda i: fragment("unit_price", quoted=False)(chars.amount(shown_cents[i], 7))
        ),
        "currency": Column(s.n, lambda i: fragment("currency")(np.repeat(usd, len(i), axis=0))),
        "ordered_at": Column(
            s.n, lambda i: fragment("ordered_at")(calendar.timestamp_text(s.ms[i], "iso_z"))
        ),
        "segment": Column(s.n, lambda i: fragment("segment")(segment_text(s.segment[i]))),
    }
    local = np.flatnonzero(plan.mask("local_currency"))
    shown_cents[local] = s.local_cents(local)
    cols["currency"].override(local, fragment("currency")(text_table(s.currency[local].tolist())))
    log.add("local_currency", ids.take(local), "unit_price,currency", s.currency[local].tolist())
    negative = np.flatnonzero(plan.mask("negative_price"))
    shown_cents[negative] = -shown_cents[negative]
    log.add("negative_price", ids.take(negative), "unit_price")
    bad = np.flatnonzero(plan.mask("bad_date"))
    broken = bad_dates(rng, s.ms[bad], with_time=True)
    cols["ordered_at"].override(bad, fragment("ordered_at")(text_table(broken)))
    log.add("bad_date", ids.take(bad), "ordered_at", broken)
    blank_required(rng, plan, log, ids, cols, _REQUIRED)
    unknown, fake = unknown_promoter_refs(rng, plan, world)
    cols["concert_ref"].override(unknown, fragment("concert_ref")(text_table(fake)))
    log.add("unknown_reference", ids.take(unknown), "concert_ref", fake)

    replay = np.flatnonzero(plan.mask("replayed_event"))
    log.add("replayed_event", ids.take(replay), "order_id")
    delay = rng.integers(60_000, 6 * 3_600_000, size=len(replay))
    order_rows = np.concatenate([np.arange(s.n), replay])
    delivered = np.concatenate([s.ms, s.ms[replay] + delay])
    year = np.concatenate([s.year, s.year[replay]])
    sequence = np.lexsort((np.arange(len(order_rows)), delivered))
    files = []
    for y in np.unique(year).tolist():
        rows = order_rows[sequence[year[sequence] == y]]
        path, rel = ctx.path(FEED, f"orders-{y}.ndjson")
        with path.open("wb") as fh:
            for start in range(0, len(rows), 400_000):
                fh.write(json_lines(list(cols.values()), rows[start : start + 400_000]))
        files.append(rel)
    ents = entities("ticket_sale", FEED, ids, chars.to_strings(s.true_ids))
    return result(FEED, files, len(order_rows), ents, log, PII)
