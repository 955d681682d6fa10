"""Records → the feature table Splink compares: one row per source record, all vectorised.

Every entity gets the name features (mojibake repaired, folded keys, first/last token,
compact prefix/suffix for blocking); artists add a genre bit mask, country, formation
year and popularity; venues add a folded city, ISO country, capacity and the position as a
unit vector (coordinates far from the venue's city are treated as unknown: see ``geo``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom import reference
from greenroom.pipeline import normalize
from greenroom.pipeline.resolution import geo
from greenroom.pipeline.resolution.exceptions import RecordsError

Entity = Literal["artist", "venue"]

COLUMNS: dict[Entity, tuple[str, ...]] = {
    "artist": (
        "source",
        "source_record_id",
        "name",
        "genres",
        "country",
        "formation_date",
        "popularity",
    ),
    "venue": (
        "source",
        "source_record_id",
        "name",
        "city",
        "country",
        "latitude",
        "longitude",
        "capacity",
    ),
}


def unique_keys(records: pa.Table) -> pa.Array:
    """``source:source_record_id`` — the record's key everywhere in resolution."""
    return pc.binary_join_element_wise(
        pc.cast(records["source"], pa.string()),
        pc.cast(records["source_record_id"], pa.string()),
        ":",
    )


def _check(entity: Entity, records: pa.Table) -> pa.Table:
    missing = [c for c in COLUMNS[entity] if c not in records.column_names]
    if missing:
        raise RecordsError(
            f"{entity} records lack column(s) `{'`, `'.join(missing)}`; pass a table with "
            f"`{'`, `'.join(COLUMNS[entity])}`"
        )
    keyless = pc.sum(
        pc.or_kleene(pc.is_null(records["source"]), pc.is_null(records["source_record_id"]))
    ).as_py()
    if keyless:
        raise RecordsError(
            f"{keyless} {entity} record(s) have no `source` or `source_record_id`; drop or "
            "quarantine them before resolution"
        )
    return records


def first_per_key(records: pa.Table) -> pa.Table:
    """The first row of each ``source:source_record_id`` (a feed re-delivered twice)."""
    keyed = records.append_column("_key", unique_keys(records)).append_column(
        "_row", pa.array(np.arange(records.num_rows, dtype=np.int64))
    )
    first = keyed.group_by("_key", use_threads=False).aggregate([("_row", "min")])
    rows = pc.sort_indices(first["_row_min"])
    return records.take(pc.take(first["_row_min"], rows))


def _name_features(records: pa.Table) -> dict[str, pa.Array]:
    name = normalize.repair_mojibake(pc.cast(records["name"], pa.string()))
    key = pc.if_else(pc.equal(normalize.name_key(name), ""), None, normalize.name_key(name))
    compact = pc.replace_substring(key, " ", "")
    full = pc.replace_substring(normalize.name_key(name, keep_article=True), " ", "")
    return {
        "unique_id": unique_keys(records),
        "source": pc.cast(records["source"], pa.string()),
        "source_record_id": pc.cast(records["source_record_id"], pa.string()),
        "name": name,
        "name_key": key,
        "name_compact": compact,
        "name_full": full,
        "name_first": pc.replace_substring_regex(key, r" .*$", ""),
        "name_last": pc.replace_substring_regex(key, r"^.* ", ""),
        "name_prefix": pc.utf8_slice_codeunits(compact, 0, 4),
        "name_suffix": pc.utf8_slice_codeunits(compact, -4, 1 << 20),
        "name_ends": pc.binary_join_element_wise(
            pc.utf8_slice_codeunits(compact, 0, 2),
            pc.utf8_slice_codeunits(compact, -2, 1 << 20),
            "",
        ),
    }


def genre_mask(genres: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A list of genre spellings as a bit mask over the canonical genres (null if none)."""
    canon = normalize.canonical_genres(genres)
    taxonomy = pc.unique(normalize.genre_aliases()["genre"]).sort()
    bits = pc.index_in(pc.list_flatten(canon), value_set=taxonomy).to_numpy(zero_copy_only=False)
    parents = pc.list_parent_indices(canon).to_numpy()
    mask = np.zeros(len(canon), dtype=np.int64)
    np.bitwise_or.at(mask, parents, np.left_shift(np.int64(1), bits.astype(np.int64)))
    return pa.array(mask, pa.int64(), mask=mask == 0)


def _country(values: pa.ChunkedArray) -> pa.Array:
    """ISO alpha-2 from either a code or an English country name."""
    countries = reference.load("countries")
    text = pc.utf8_trim_whitespace(pc.cast(values, pa.string()))
    by_name = pc.take(
        countries["iso2"],
        pc.index_in(normalize.fold(text), value_set=normalize.fold(countries["name"])),
    )
    code = pc.if_else(pc.equal(pc.utf8_length(text), 2), pc.utf8_upper(text), None)
    return pc.coalesce(by_name, code)


def _position(records: pa.Table, country: pa.Array) -> dict[str, pa.Array]:
    lat, lon = records["latitude"], records["longitude"]
    plausible = geo.coordinates_plausible(records["city"], country, lat, lon)
    x, y, z = geo.unit_vectors(
        pc.cast(lat, pa.float64()).to_numpy(zero_copy_only=False),
        pc.cast(lon, pa.float64()).to_numpy(zero_copy_only=False),
    )
    bad = np.isnan(x) | ~np.asarray(pc.fill_null(plausible, True).to_numpy(zero_copy_only=False))
    return {
        axis: pa.array(np.where(bad, np.nan, v), pa.float64(), mask=bad)
        for axis, v in (("geo_x", x), ("geo_y", y), ("geo_z", z))
    }


def features(entity: Entity, records: pa.Table) -> pa.Table:
    """The comparison features of ``records`` (one row per distinct source record)."""
    records = first_per_key(_check(entity, records))
    cols = _name_features(records)
    if entity == "artist":
        formed = pc.cast(records["formation_date"], pa.date32())
        cols |= {
            "genre_mask": genre_mask(records["genres"]),
            "country": _country(records["country"]),
            "formation_year": pc.year(formed),
            "popularity": pc.cast(records["popularity"], pa.float64()),
        }
    else:
        city = normalize.name_key(normalize.repair_mojibake(pc.cast(records["city"], pa.string())))
        country = _country(records["country"])
        cols |= {
            "city_key": city,
            "country": country,
            "capacity": pc.cast(records["capacity"], pa.int64()),
            **_position(records, country),
        }
    return pa.table(cols)
