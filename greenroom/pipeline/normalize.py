"""Vectorised name and genre normalisation on Arrow arrays.

- :func:`name_key` — the key entity resolution compares artist and venue names on:
  ``"The Mötörhead-Band!" -> "motorhead band"``, ``"Night Owls, The" -> "night owls"``.
- :func:`compact_key` — :func:`name_key` without spaces (``"night owls" -> "nightowls"``),
  robust to dropped or added spaces and hyphens.
- :func:`repair_mojibake` — undoes UTF-8 text that was decoded as Latin-1/cp1252
  (``"MotÃ¶rhead" -> "Motörhead"``), only where the round trip is valid.
- :func:`canonical_genre` / :func:`canonical_genres` — genre spellings and synonyms onto the
  canonical taxonomy of ``greenroom/reference/genres.csv``; unknown genres become null.

Every function takes and returns Arrow arrays; nulls stay null. Only the mojibake repair
loops in Python, over the distinct suspicious values (a few per thousand names).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from greenroom.text import ArrayLike, as_strings, repair_mojibake

__all__ = [
    "canonical_genre",
    "canonical_genres",
    "compact_key",
    "fold",
    "genre_key",
    "name_key",
    "repair_mojibake",
]

# Letters NFKD does not decompose, transliterated as the synthetic world (and most people) do.
_TRANSLITERATE = (
    ("ø", "o"),
    ("æ", "ae"),
    ("ß", "ss"),
    ("ł", "l"),
    ("đ", "d"),
    ("œ", "oe"),
    ("ð", "d"),
    ("þ", "th"),
    ("ı", "i"),
)


def fold(values: ArrayLike) -> pa.Array:
    """Lower-case, accents and marks removed (NFKD), a few letters transliterated."""
    text = pc.utf8_lower(pc.utf8_normalize(as_strings(values), form="NFKD"))
    text = pc.replace_substring_regex(text, r"\p{M}+", "")
    for letter, ascii_ in _TRANSLITERATE:
        text = pc.replace_substring(text, letter, ascii_)
    return text


def name_key(values: ArrayLike, *, keep_article: bool = False) -> pa.Array:
    """The comparison key of a name: folded, "&" → "and", article and punctuation dropped.

    ``"The Night Owls"``, ``"Night Owls, The"``, ``"  night  OWLS "`` and ``"Night-Owls"``
    all give ``"night owls"``; apostrophes and dots vanish (``"R.E.M." -> "rem"``).
    With ``keep_article`` a trailing ", The" moves to the front and a leading "the" stays
    (``"the night owls"``): a typo in the article then costs one edit, not three.
    """
    text = fold(values)
    text = pc.replace_substring_regex(text, r"[&+]", " and ")
    text = pc.replace_substring_regex(text, r"['’`´.]", "")
    if keep_article:
        moved = pc.replace_substring_regex(text, r",\s*the\s*$", "")
        text = pc.if_else(
            pc.equal(moved, text), text, pc.binary_join_element_wise("the ", moved, "")
        )
    else:
        text = pc.replace_substring_regex(text, r",\s*the\s*$", "")
    text = pc.replace_substring_regex(text, r"[^\p{L}\p{N}]+", " ")
    text = pc.utf8_trim_whitespace(text)
    if not keep_article:
        text = pc.replace_substring_regex(text, r"^the\s+", "")
    return pc.replace_substring_regex(text, r"\s+", " ")


def compact_key(values: ArrayLike) -> pa.Array:
    """:func:`name_key` with the spaces removed: ``"Night-Owls"`` == ``"NightOwls"``."""
    return pc.replace_substring(name_key(values), " ", "")


def genre_key(values: ArrayLike) -> pa.Array:
    """Genre spelling key: folded, letters and digits only (``"Post Punk" -> "postpunk"``)."""
    text = pc.replace_substring_regex(fold(values), r"\band\b|\bn\b", "")
    return pc.replace_substring_regex(text, r"[^\p{L}\p{N}]+", "")


@cache
def genre_aliases() -> pa.Table:
    """The shipped genre mapping: ``alias`` (spelling key) → canonical ``genre``."""
    source = resources.files("greenroom.reference").joinpath("genres.csv")
    with resources.as_file(source) as path:
        table = pacsv.read_csv(path)
    keys = genre_key(table["alias"])
    mapping = pa.table({"alias": keys, "genre": table["genre"].combine_chunks()})
    return (
        mapping.group_by("alias", use_threads=False)
        .aggregate([("genre", "min")])
        .rename_columns(["alias", "genre"])
    )


def canonical_genre(values: ArrayLike) -> pa.Array:
    """Each genre spelling as its canonical genre (``"Prog-Rock" -> "progressive rock"``).

    Unknown genres become null: the taxonomy is closed (see ``genres.csv``).
    """
    aliases = genre_aliases()
    where = pc.index_in(genre_key(values), value_set=aliases["alias"])
    return pc.take(aliases["genre"], where)


def canonical_genres(lists: ArrayLike) -> pa.Array:
    """Lists of genre spellings as lists of canonical genres: unknowns dropped, first
    occurrence kept, order kept. A null list stays null."""
    arr = lists.combine_chunks() if isinstance(lists, pa.ChunkedArray) else lists
    if not pa.types.is_list(arr.type):
        arr = pc.cast(arr, pa.list_(pa.string()))
    flat = canonical_genre(pc.list_flatten(arr))
    items = pa.table(
        {
            "parent": pc.list_parent_indices(arr),
            "pos": np.arange(len(flat), dtype=np.int64),
            "genre": flat,
        }
    ).filter(pc.is_valid(flat))
    firsts = items.group_by(["parent", "genre"], use_threads=False).aggregate([("pos", "min")])
    firsts = firsts.sort_by([("parent", "ascending"), ("pos_min", "ascending")])
    per_row = np.bincount(firsts["parent"].to_numpy(), minlength=len(arr))
    offsets = np.concatenate([[0], np.cumsum(per_row)]).astype(np.int32)
    return pa.ListArray.from_arrays(
        pa.array(offsets),
        firsts["genre"].combine_chunks(),
        type=pa.list_(pa.string()),
        mask=pc.is_null(arr),
    )
