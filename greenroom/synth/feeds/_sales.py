"""What the three sale feeds share: one channel's sales as arrays, and reference texts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from greenroom.synth import calendar, chars
from greenroom.synth.feeds._amounts import to_local_cents
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
