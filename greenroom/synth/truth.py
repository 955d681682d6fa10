"""``OUT/truth/``: the true world and the answer key for every source record."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from greenroom.synth import chars
from greenroom.synth.defects.plan import DEFECTS_SCHEMA
from greenroom.synth.exceptions import PiiFormatError
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


PII_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("field", pa.string()),
        ("kind", pa.string()),
        ("records", pa.int64()),
    ]
)


def _read_fields(path: Path, fields: list[str]) -> pa.Table:
    """``fields`` of every record of a written CSV or NDJSON file, as strings."""
    types = {f: pa.string() for f in fields}
    if path.suffix == ".csv":
        convert = pacsv.ConvertOptions(column_types=types, include_columns=fields)
        return pacsv.read_csv(path, convert_options=convert)
    if path.suffix == ".ndjson":
        parse = pajson.ParseOptions(
            explicit_schema=pa.schema(types), unexpected_field_behavior="ignore"
        )
        return pajson.read_json(path, parse_options=parse).select(fields)
    raise PiiFormatError(path.name)


def pii(results: list[FeedResult], sources: Path) -> pa.Table:
    """Per declared personal field: how many delivered records carry a non-empty value."""
    parts = []
    for r in results:
        if not r.pii:
            continue
        fields = list(r.pii)
        counts = np.zeros(len(fields), dtype=np.int64)
        for rel in r.files:
            table = _read_fields(sources / rel, fields)
            for j, field in enumerate(fields):
                filled = pc.greater(pc.utf8_length(table[field].fill_null("")), 0)
                counts[j] += pc.sum(filled).as_py() or 0
        parts.append(
            pa.table(
                {
                    "source": [r.feed] * len(fields),
                    "field": fields,
                    "kind": [r.pii[f] for f in fields],
                    "records": counts,
                },
                schema=PII_SCHEMA,
            )
        )
    table = pa.concat_tables(parts) if parts else PII_SCHEMA.empty_table()
    return table.sort_by([("source", "ascending"), ("field", "ascending")])


def write_truth(
    world: World, results: list[FeedResult], folder: Path, sources: Path
) -> dict[str, int]:
    """Write every truth file; returns the row count of each. ``sources`` is where the
    feeds were written (``pii.parquet`` counts what is actually there)."""
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
        "pii": pii(results, sources),
    }
    for name, table in tables.items():
        _write(table, folder / f"{name}.parquet")
    return {name: t.num_rows for name, t in tables.items()}
