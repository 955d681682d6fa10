"""From clusters to what silver needs: the record → entity map, display names, name lookup.

- :func:`entity_map` — ``source, source_record_id, entity_id, name, match_key`` per record
  (``name`` with mojibake repaired; ``match_key`` the compact name key), the drop-in for the
  exact-key ``artist_map``/``venue_map`` models.
- :func:`display_names` — one name per entity: the best-formed spelling (mixed case, no
  "X, The", clean spacing, accents kept), then the most common, then the preferred
  source (MusicBrainz, the registry), then the smallest record id.
- :func:`name_lookup` / :func:`match_keys` — resolve a bare name (a promoter's artist
  text) to an entity: keys that point at exactly one entity.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.pipeline import normalize
from greenroom.pipeline.resolution import prepare

SOURCE_RANK = {
    "musicbrainz_artists": 0,
    "venue_registry": 0,
    "spotify_artists": 1,
    "ticketmaster_venues": 1,
}
"""Which source's spelling wins a tie (lower first); others rank after these."""


def match_keys(names: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The key a bare name is looked up by: mojibake repaired, folded, compact."""
    return normalize.compact_key(normalize.repair_mojibake(names))


def entity_map(records: pa.Table, clusters: pa.Table) -> pa.Table:
    """``clusters`` (from :func:`resolve`) joined with the records' repaired names."""
    first = prepare.first_per_key(records)  # the row resolve() used for a repeated key
    named = pa.table(
        {
            "source": pc.cast(first["source"], pa.string()),
            "source_record_id": pc.cast(first["source_record_id"], pa.string()),
            "name": normalize.repair_mojibake(pc.cast(first["name"], pa.string())),
        }
    )
    joined = clusters.select(["source", "source_record_id", "entity_id"]).join(
        named, ["source", "source_record_id"], join_type="left outer", use_threads=False
    )
    joined = joined.append_column("match_key", normalize.compact_key(joined["name"]))
    return joined.sort_by([("source", "ascending"), ("source_record_id", "ascending")])


def _form_score(names: pa.ChunkedArray) -> pa.Array:
    """How well-formed a spelling looks (higher is better): the fixable name variants
    (shouting or all lower case, "X, The", doubled or edge spaces, words joined by a
    hyphen, a stray final dot, dropped accents) lose."""
    flaws = [
        pc.or_(pc.utf8_is_upper(names), pc.utf8_is_lower(names)),
        pc.match_substring_regex(names, r",\s*[Tt]he$"),
        pc.match_substring_regex(names, r"^\s|\s$|\s\s"),
        pc.match_substring_regex(names, r"\S-\S"),
        pc.match_substring_regex(names, r"\p{Ll}\.$"),
    ]
    score = pa.array(np.zeros(len(names), dtype=np.int64))
    for flaw in flaws:
        score = pc.subtract(score, pc.cast(pc.fill_null(flaw, False), pa.int64()))
    accents = pc.count_substring_regex(names, r"[^\x00-\x7F]")
    return pc.add(pc.multiply(score, 100), pc.min_element_wise(pc.cast(accents, pa.int64()), 99))


def display_names(mapping: pa.Table) -> pa.Table:
    """``entity_id, name``: one display name per entity of an :func:`entity_map`."""
    rows = mapping.filter(pc.is_valid(mapping["name"]))
    counts = rows.group_by(["entity_id", "name"], use_threads=False).aggregate([([], "count_all")])
    rows = rows.join(counts, ["entity_id", "name"], use_threads=False)
    known = pc.index_in(rows["source"], value_set=pa.array(list(SOURCE_RANK), pa.string()))
    ranks = pa.array([*SOURCE_RANK.values(), len(SOURCE_RANK)], pa.int64())
    rank = pc.take(ranks, pc.fill_null(known, len(SOURCE_RANK)))
    rows = rows.append_column("form", _form_score(rows["name"])).append_column("rank", rank)
    rows = rows.sort_by(
        [
            ("entity_id", "ascending"),
            ("form", "descending"),
            ("count_all", "descending"),
            ("rank", "ascending"),
            ("source_record_id", "ascending"),
        ]
    )
    best = rows.group_by("entity_id", use_threads=False).aggregate([("name", "first")])
    return best.rename_columns(["entity_id", "name"]).sort_by("entity_id")


def name_lookup(mapping: pa.Table) -> pa.Table:
    """``match_key, entity_id`` for the keys of an :func:`entity_map` that name exactly
    one entity (an ambiguous key resolves to nothing rather than to a guess)."""
    pairs = mapping.filter(pc.is_valid(mapping["match_key"])).select(["match_key", "entity_id"])
    per_key = pairs.group_by("match_key", use_threads=False).aggregate(
        [("entity_id", "count_distinct"), ("entity_id", "min")]
    )
    unique = per_key.filter(pc.equal(per_key["entity_id_count_distinct"], 1))
    return (
        unique.select(["match_key", "entity_id_min"])
        .rename_columns(["match_key", "entity_id"])
        .sort_by("match_key")
    )
