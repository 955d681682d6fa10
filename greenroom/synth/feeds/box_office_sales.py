"""``box_office_sales/sales-<YYYY>.csv``: box-office transaction exports, one file per year.

``purchased_at`` is UTC (``2025-01-02T10:11:12Z`` when clean). Written with the same
byte-matrix line builder as the NDJSON sale feeds (:mod:`._lines`) rather than
``pyarrow.csv``: no value ever needs quoting, amounts keep exactly two decimals, and the
10M-row ``sf10`` exports stay within the time budget.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from greenroom.synth import calendar, chars
from greenroom.synth.defects.dates import bad_dates, mixed_timestamps
from greenroom.synth.defects.plan import DefectLog
from greenroom.synth.feeds._lines import Column, csv_lines, take_rows
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

FEED = "box_office_sales"
HEADER = "transaction_id,event_ref,tier,qty,unit_price,currency,purchased_at,customer_ref,customer_segment\n"
_REQUIRED = ("event_ref", "tier", "qty", "unit_price", "customer_ref")
PII: Mapping[str, PiiKind] = {"customer_ref": "customer_id"}


def box_office_sales(world: World, ctx: FeedContext) -> FeedResult:
    s = channel_sales(world, "box_office")
    rng = ctx.rng(FEED)
    plan = ctx.plan(FEED, s.n, {"local_currency": s.currency != "USD"})
    log = DefectLog(FEED)
    ids = chars.to_strings(s.ids)
    events = text_table(world.concerts["promoter_id"].to_pylist())
    crm = text_table(world.customers["crm_id"].to_pylist())
    shown_cents = s.cents.copy()
    currency = np.where(plan.mask("local_currency"), s.currency, "USD")

    cols = {
        "transaction_id": Column(s.n, lambda i: s.ids[i]),
        "event_ref": Column(s.n, lambda i: take_rows(events, s.concert[i])),
        "tier": Column(s.n, lambda i: tier_text(s.tier[i])),
        "qty": Column(s.n, lambda i: chars.digits(s.qty[i], 1)),
        "unit_price": Column(s.n, lambda i: chars.amount(shown_cents[i], 7)),
        "currency": Column(s.n, lambda i: chars.vocab(np.zeros(len(i), dtype=np.int64), ["USD"])),
        "purchased_at": Column(s.n, lambda i: calendar.timestamp_text(s.ms[i], "iso_z")),
        "customer_ref": Column(s.n, lambda i: take_rows(crm, s.customer[i])),
        "customer_segment": Column(s.n, lambda i: segment_text(s.segment[i])),
    }
    local = np.flatnonzero(plan.mask("local_currency"))
    shown_cents[local] = s.local_cents(local)
    cols["currency"].override(local, text_table(currency[local].tolist()))
    log.add("local_currency", ids.take(local), "unit_price,currency", currency[local].tolist())

    negative = np.flatnonzero(plan.mask("negative_price"))
    shown_cents[negative] = -shown_cents[negative]
    log.add("negative_price", ids.take(negative), "unit_price")

    mixed = np.flatnonzero(plan.mask("mixed_date_format"))
    alt = mixed_timestamps(rng, s.ms[mixed], seconds=True)
    cols["purchased_at"].override(mixed, alt)
    log.add(
        "mixed_date_format",
        ids.take(mixed),
        "purchased_at",
        chars.to_strings(alt) if len(mixed) else None,
    )
    bad = np.flatnonzero(plan.mask("bad_date"))
    broken = bad_dates(rng, s.ms[bad], with_time=True)
    cols["purchased_at"].override(bad, text_table(broken))
    log.add("bad_date", ids.take(bad), "purchased_at", broken)

    blank_required(rng, plan, log, ids, cols, _REQUIRED)

    unknown, fake = unknown_promoter_refs(rng, plan, world)
    cols["event_ref"].override(unknown, text_table(fake))
    log.add("unknown_reference", ids.take(unknown), "event_ref", fake)

    files = []
    for year in np.unique(s.year).tolist():
        path, rel = ctx.path(FEED, f"sales-{year}.csv")
        rows = np.flatnonzero(s.year == year)
        with path.open("wb") as fh:
            fh.write(HEADER.encode())
            for start in range(0, len(rows), 500_000):
                fh.write(csv_lines(list(cols.values()), rows[start : start + 500_000]))
        files.append(rel)
    ents = entities("ticket_sale", FEED, ids, chars.to_strings(s.true_ids))
    return result(FEED, files, s.n, ents, log, PII)
