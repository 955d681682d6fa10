"""What the three sale feeds share: one channel's sales as arrays, reference texts, and the
defects they inject alike (missing fields, unknown concert references)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from greenroom.synth import calendar, chars
from greenroom.synth.defects.plan import DefectLog, DefectPlan
from greenroom.synth.feeds._amounts import to_local_cents, unknown_ids
from greenroom.synth.feeds._lines import Column
from greenroom.synth.world import World
from greenroom.synth.world.columns import np_col
from greenroom.synth.world.market import CHANNELS, SEGMENTS, TIERS

SALE_PREFIX = {"box_office": "BOX-", "online": "ORD-", "stream": "TMS-"}


@dataclass(frozen=True)
class ChannelSales:
    """The sales of one channel, in purchase order, as parallel numpy arrays."""

    n: int
    ids: np.ndarray  # text matrix of the feed's record ids
    true_ids: np.ndarray  # world sale ids (S...), matrix
    concert: np.ndarray
    customer: np.ndarray
    tier: np.ndarray
    qty: np.ndarray
    cents: np.ndarray
    ms: np.ndarray
    segment: np.ndarray  # index into SEGMENTS
    currency: np.ndarray  # the venue's currency code per sale (str)
    year: np.ndarray

    def local_cents(self, rows: np.ndarray) -> np.ndarray:
        return to_local_cents(self.cents[rows], self.currency[rows])


def channel_sales(world: World, channel: str) -> ChannelSales:
    sales = world.sales
    rows = np.flatnonzero(np_col(sales, "_channel_idx") == CHANNELS.index(channel))
    n = len(rows)
    concert = np_col(sales, "_concert_idx")[rows].astype(np.int64)
    venue = np_col(world.concerts, "_venue_idx")[concert]
    ms = np_col(sales, "_ms")[rows]
    ids = chars.hstack(
        [chars.literal(n, SALE_PREFIX[channel]), chars.digits(np.arange(1, n + 1), 9)]
    )
    return ChannelSales(
        n=n,
        ids=ids,
        true_ids=chars.hstack([chars.literal(n, "S"), chars.digits(rows + 1, 8)]),
        concert=concert,
        customer=np_col(sales, "_customer_idx")[rows].astype(np.int64),
        tier=np_col(sales, "_tier_idx")[rows].astype(np.int64),
        qty=np.asarray(sales["quantity"].to_numpy())[rows],
        cents=np_col(sales, "_cents")[rows],
        ms=ms,
        segment=np_col(world.customers, "_segment_idx").astype(np.int64)[
            np_col(sales, "_customer_idx")[rows]
        ],
        currency=np.asarray(world.venues["currency"].to_numpy(zero_copy_only=False))[venue],
        year=calendar.civil(ms // calendar.MS_PER_DAY)[0],
    )


def text_table(values: list[str]) -> np.ndarray:
    return chars.from_strings(values)


def tier_text(tier: np.ndarray) -> np.ndarray:
    return chars.vocab(tier, TIERS)


def segment_text(segment: np.ndarray) -> np.ndarray:
    return chars.vocab(segment, SEGMENTS)


def blank_required(
    rng: np.random.Generator,
    plan: DefectPlan,
    log: DefectLog,
    ids: pa.Array,
    columns: Mapping[str, Column],
    required: Sequence[str],
) -> tuple[np.ndarray, np.ndarray]:
    """Blank one required field of each record planned for `missing_required`, and log it.
    Returns the rows and, per row, the index in `required` of the field blanked."""
    missing = np.flatnonzero(plan.mask("missing_required"))
    which = rng.integers(len(required), size=len(missing))
    for w, field in enumerate(required):
        columns[field].blank(missing[which == w])
    log.add(
        "missing_required", ids.take(missing), pa.array([required[w] for w in which], pa.string())
    )
    return missing, which


def unknown_promoter_refs(
    rng: np.random.Generator, plan: DefectPlan, world: World
) -> tuple[np.ndarray, list[str]]:
    """The rows planned for `unknown_reference` and, for each, a promoter concert id of the
    right shape that no concert has."""
    unknown = np.flatnonzero(plan.mask("unknown_reference"))
    existing = set(world.concerts["promoter_id"].to_pylist())
    fake = unknown_ids(
        existing,
        lambda k: [f"PRM-{x:06d}" for x in rng.integers(1, 1_000_000, size=k)],
        len(unknown),
    )
    return unknown, fake
