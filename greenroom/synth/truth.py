"""``OUT/truth/``: the true world and the answer key for every source record."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from greenroom.synth import chars
from greenroom.synth.defects.plan import DEFECTS_SCHEMA
from greenroom.synth.feeds._sales import SALE_PREFIX
from greenroom.synth.feeds.base import ENTITIES_SCHEMA, FeedResult
from greenroom.synth.world import World
from greenroom.synth.world.columns import np_col

_SALE_FEEDS = ("box_office_sales", "online_orders", "stream_sales")


def _public(table: pa.Table) -> pa.Table:
    return table.select([c for c in table.column_names if not c.startswith("_")])


_LOW_CARDINALITY = {
    "entity_type",
    "source",
    "defect",
    "rule",
    "field",
    "status",
    "channel",
    "price_tier",
    "customer_segment",
    "segment",
    "city",
    "country",
    "region",
    "currency",
    "timezone",
    "venue_type",
    "primary_genre",
    "favorite_genre",
    "kind",
    "concert_id",
    "customer_id",
}


def _write(table: pa.Table, path: Path) -> None:
    """Parquet with plain string columns (dictionary-encoded in the file where it pays)."""
    for i, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.string()))
    dictionary = [c for c in table.column_names if c in _LOW_CARDINALITY]
    pq.write_table(
        table, path, compression="zstd", row_group_size=1_000_000, use_dictionary=dictionary
    )


def sales_with_sources(world: World) -> pa.Table:
    """The true sales plus the feed (``source``) and record id each one arrived as."""
    sales = world.sales
    channel = np_col(sales, "_channel_idx").astype(np.int64)
    seq = np.zeros(len(channel), dtype=np.int64)
    for c in range(3):
        rows = channel == c
        seq[rows] = np.arange(1, int(rows.sum()) + 1)
    prefixes = tuple(SALE_PREFIX.values())
    record = chars.to_strings(chars.hstack([chars.vocab(channel, prefixes), chars.digits(seq, 9)]))
    source = pa.DictionaryArray.from_arrays(
        pa.array(channel.astype(np.int8)), pa.array(_SALE_FEEDS)
    )
    return _public(sales).append_column("source", source).append_column("source_record_id", record)


def totals(world: World) -> pa.Table:
    """Per true concert: tickets sold and USD revenue over all its sales (any status)."""
    n = world.concerts.num_rows
    conc = np_col(world.sales, "_concert_idx")
    qty = np.asarray(world.sales["quantity"].to_numpy())
    tickets = np.bincount(conc, weights=qty, minlength=n).astype(np.int64)
    cents = np.bincount(conc, weights=qty * np_col(world.sales, "_cents"), minlength=n)
    return pa.table(
        {
            "true_concert_id": world.concerts["concert_id"],
            "status": world.concerts["status"],
            "tickets_sold": pa.array(tickets),
            "revenue_usd": pa.array(np.round(cents) / 100.0),
        }
    )


def write_truth(world: World, results: list[FeedResult], folder: Path) -> dict[str, int]:
    """Write every truth file; returns the row count of each."""
    folder.mkdir(parents=True, exist_ok=True)
    ents = pa.concat_tables([r.entities for r in results]).cast(ENTITIES_SCHEMA)
    defects = pa.concat_tables([r.defects for r in results]).cast(DEFECTS_SCHEMA)
    tables = {
        "artists": _public(world.artists),
        "venues": _public(world.venues),
        "concerts": _public(world.concerts),
        "customers": _public(world.customers),
        "sales": sales_with_sources(world),
        "totals": totals(world),
        "entities": ents,
        "defects": defects,
    }
    for name, table in tables.items():
        _write(table, folder / f"{name}.parquet")
    return {name: t.num_rows for name, t in tables.items()}
