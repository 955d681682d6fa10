"""The Splink model of each entity: comparisons, blocking rules, training passes.

Comparisons are Splink settings dictionaries with plain SQL conditions on the feature
columns of :mod:`~greenroom.pipeline.resolution.prepare` (``<col>_l`` / ``<col>_r``), so a
reader sees exactly what each level means. Levels go from strongest to weakest evidence;
Splink learns one m and one u probability per level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from greenroom.pipeline.resolution.prepare import Entity

Level = dict[str, Any]
Comparison = dict[str, Any]


def _level(label: str, sql: str, m: float, u: float, *, fix_m: bool = False) -> Level:
    """A level; ``m``/``u`` start EM and stand in where training cannot observe the level.

    ``fix_m`` keeps ``m`` as stated: for fields only one source has, whose true matches
    (a source's own duplicates) are too rare for EM to learn from.
    """
    level: Level = {
        "sql_condition": sql,
        "label_for_charts": label,
        "m_probability": m,
        "u_probability": u,
    }
    if fix_m:
        level["fix_m_probability"] = True
    return level


def _comparison(name: str, description: str, *levels: Level, m_else: float) -> Comparison:
    fix_m = any(lv.get("fix_m_probability") for lv in levels)
    u_else = 1.0 - sum(lv["u_probability"] for lv in levels[1:])
    other = _level("all other", "ELSE", m_else, u_else, fix_m=fix_m)
    return {
        "output_column_name": name,
        "comparison_description": description,
        "comparison_levels": [*levels, other],
    }


def _null(*cols: str) -> Level:
    sql = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in cols)
    return {"sql_condition": sql, "label_for_charts": "missing", "is_null_level": True}


def _edits(n: int) -> str:
    """At most ``n`` edits apart, with or without the article ("Teh Giants" ~ "The Giants")."""
    return (
        f"(damerau_levenshtein(name_compact_l, name_compact_r) <= {n}"
        f" OR damerau_levenshtein(name_full_l, name_full_r) <= {n})"
    )


NAME = _comparison(
    "name",
    "folded name key without spaces (mojibake repaired, article, punctuation dropped)",
    _null("name_compact"),
    _level("same letters", "name_compact_l = name_compact_r", 0.9, 2e-3),
    _level("one edit", _edits(1), 0.06, 5e-4),
    _level("two edits", _edits(2), 0.02, 2e-3),
    m_else=0.02,
)

GENRES = _comparison(
    "genres",
    "canonical genres as a bit mask",
    _null("genre_mask"),
    _level("same genres", "genre_mask_l = genre_mask_r", 0.9, 0.01),
    _level("two shared", "bit_count(genre_mask_l & genre_mask_r) >= 2", 0.04, 0.01),
    _level("one shared", "(genre_mask_l & genre_mask_r) <> 0", 0.04, 0.2),
    m_else=0.02,
)

ARTIST_COUNTRY = _comparison(
    "country",
    "ISO country (MusicBrainz only: tells a source's own duplicates apart)",
    _null("country"),
    _level("same country", "country_l = country_r", 0.95, 0.15, fix_m=True),
    m_else=0.05,
)

FORMED = _comparison(
    "formed",
    "formation year (MusicBrainz only)",
    _null("formation_year"),
    _level("same year", "formation_year_l = formation_year_r", 0.9, 0.02, fix_m=True),
    _level(
        "within a year", "abs(formation_year_l - formation_year_r) <= 1", 0.05, 0.04, fix_m=True
    ),
    m_else=0.05,
)

POPULARITY = _comparison(
    "popularity",
    "popularity 0-100 (Spotify only)",
    _null("popularity"),
    _level("within 3", "abs(popularity_l - popularity_r) <= 3", 0.8, 0.1, fix_m=True),
    _level("within 10", "abs(popularity_l - popularity_r) <= 10", 0.15, 0.25, fix_m=True),
    m_else=0.05,
)

SOURCE = _comparison(
    "source",
    "same feed or not: a feed rarely lists one entity twice",
    _null("source"),
    _level("same source", "source_l = source_r", 0.05, 0.5, fix_m=True),
    m_else=0.95,
)

LOCATION = _comparison(
    "location",
    "city and country",
    _null("city_key", "country"),
    _level("same city", "city_key_l = city_key_r AND country_l = country_r", 0.95, 0.03),
    _level("same country", "country_l = country_r", 0.03, 0.2),
    m_else=0.02,
)

_CHORD_KM = (  # geo.EARTH_KM x chord between the unit vectors
    "6371.0 * sqrt(power(geo_x_l - geo_x_r, 2) + power(geo_y_l - geo_y_r, 2)"
    " + power(geo_z_l - geo_z_r, 2))"
)
GEO = _comparison(
    "position",
    "distance between the coordinates (implausible ones count as missing)",
    _null("geo_x"),
    _level("within 100 m", f"{_CHORD_KM} <= 0.1", 0.9, 1e-3),
    _level("within 2 km", f"{_CHORD_KM} <= 2", 0.05, 0.01),
    _level("within 20 km", f"{_CHORD_KM} <= 20", 0.03, 0.03),
    m_else=0.02,
)

CAPACITY = _comparison(
    "capacity",
    "capacity",
    _null("capacity"),
    _level("same", "capacity_l = capacity_r", 0.8, 0.01),
    _level(
        "within 10%",
        "abs(capacity_l - capacity_r) <= 0.1 * greatest(capacity_l, capacity_r)",
        0.1,
        0.05,
    ),
    _level(
        "within 30%",
        "abs(capacity_l - capacity_r) <= 0.3 * greatest(capacity_l, capacity_r)",
        0.05,
        0.15,
    ),
    m_else=0.05,
)

_NAME_BLOCKS = (
    "l.name_key = r.name_key",
    "l.name_compact = r.name_compact",
    "l.name_first = r.name_first",
    "l.name_last = r.name_last",
    "l.name_prefix = r.name_prefix",
    "l.name_suffix = r.name_suffix",
    "l.name_ends = r.name_ends",
)


@dataclass(frozen=True)
class EntityModel:
    """Everything Splink needs to resolve one entity type."""

    entity: Entity
    prefix: str
    """Canonical id prefix: ``art_``, ``ven_``."""
    comparisons: tuple[Comparison, ...]
    blocking: tuple[str, ...]
    """Rules generating the candidate pairs scored at prediction (their union)."""
    training: tuple[str, ...]
    """One EM pass per rule; a pass learns m for the comparisons its rule does not fix."""
    deterministic: tuple[str, ...]
    """Near-certain rules that estimate the prior match probability..."""
    recall: float
    """...assuming they find this share of the true matches."""
    prior: float = 0.02
    """Probability two random records match, when there are too few records to train."""


MODELS: dict[Entity, EntityModel] = {
    "artist": EntityModel(
        entity="artist",
        prefix="art_",
        comparisons=(NAME, GENRES, ARTIST_COUNTRY, FORMED, POPULARITY, SOURCE),
        blocking=_NAME_BLOCKS,
        training=("l.name_key = r.name_key", "l.genre_mask = r.genre_mask"),
        deterministic=("l.name_key = r.name_key AND l.genre_mask = r.genre_mask",),
        recall=0.8,
    ),
    "venue": EntityModel(
        entity="venue",
        prefix="ven_",
        comparisons=(NAME, LOCATION, GEO, CAPACITY, SOURCE),
        blocking=(*_NAME_BLOCKS, "l.city_key = r.city_key"),
        training=("l.name_key = r.name_key", "l.city_key = r.city_key"),
        deterministic=("l.name_key = r.name_key AND l.city_key = r.city_key",),
        recall=0.8,
    ),
}
