"""The lexicon: every name the planner can recognise, built from the semantic layer's
closed value sets and from the lake's own values (artists, venues, cities, countries,
genres), read through the asking principal's reader — so a principal is only ever offered
names it may see.

Matching runs over a message's words, longest span first, in three passes: exact (after
folding case and accents), consonant skeleton (names typed without vowels), and fuzzy
(rapidfuzz ratio, typos). Spans made of planner keywords are never fuzzy-matched.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Literal

from greenroom.agent.planner import vocabulary as vocab
from greenroom.agent.planner.text import Tokens, phrase, skeleton
from greenroom.errors import GreenroomError

if TYPE_CHECKING:
    from greenroom.lake.reader import Reader

_How = Literal["exact", "skeleton", "fuzzy"]
_HOWS: tuple[_How, ...] = ("exact", "skeleton", "fuzzy")
_NAMED = ("artist", "venue", "city", "country", "genre")
_MAX_SPAN = 6
_FUZZY_CUTOFF = 86.0


@dataclass(frozen=True)
class Entry:
    """One value a phrase may stand for; `country` narrows a city present in two countries."""

    dimension: str
    value: str
    country: str | None = None

    @property
    def label(self) -> str:
        return f"{self.value} ({self.country})" if self.country else self.value


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    entries: tuple[Entry, ...]
    how: _How

    @property
    def dimensions(self) -> set[str]:
        return {e.dimension for e in self.entries}


@dataclass
class Lexicon:
    exact: dict[str, list[Entry]] = field(default_factory=dict)
    skeletons: dict[str, list[Entry]] = field(default_factory=dict)
    codes: dict[str, Entry] = field(default_factory=dict)
    """Country codes, matched only when written in capitals ("US", not "us")."""
    names: dict[str, str] = field(default_factory=dict)
    name_words: set[str] = field(default_factory=set)
    """Every word of every name: the planner never "corrects" one of them."""
    """Folded name → display name, per dimension-qualified key (for fuzzy matching)."""

    def add(self, text: str, entry: Entry, *, names: bool = True) -> None:
        key = phrase(text)
        if not key:
            return
        bucket = self.exact.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)
        if names:
            self.names[key] = key
            self.name_words.update(key.split())
            skel = skeleton(text)
            if len(skel.replace(" ", "")) >= 5:
                sk = self.skeletons.setdefault(skel, [])
                if entry not in sk:
                    sk.append(entry)

    def values(self, dimension: str) -> list[str]:
        seen = {e.value for es in self.exact.values() for e in es if e.dimension == dimension}
        return sorted(seen)

    def match(self, tokens: Tokens, reserved: set[int] | None = None) -> list[Mention]:
        """Mentions of known names in `tokens`, longest first, never overlapping."""
        used = set(reserved or ())
        found: list[Mention] = []
        for size in range(min(_MAX_SPAN, len(tokens)), 0, -1):
            for how in _HOWS:
                for start in range(len(tokens) - size + 1):
                    span = range(start, start + size)
                    if used.intersection(span):
                        continue
                    words = tokens.items[start : start + size]
                    if size == 1 and tokens.upper[start] and words[0] in self.codes:
                        entries = [self.codes[words[0]]]
                    else:
                        entries = self._lookup(words, how)
                    if entries:
                        text = " ".join(words)
                        found.append(Mention(start, start + size, text, tuple(entries), how))
                        used.update(span)
        return sorted(found, key=lambda m: m.start)

    def _lookup(self, words: tuple[str, ...], how: _How) -> list[Entry]:
        text = " ".join(words)
        if how == "exact":
            return self.exact.get(text, [])
        if words[0] in vocab.STOPWORDS or words[-1] in vocab.STOPWORDS:
            return []
        if any(_is_keyword(w) for w in words) or any(w.isdigit() for w in words):
            return []
        if how == "skeleton":
            return self.skeletons.get(text, []) or self.skeletons.get(skeleton(text), [])
        if len(text) < 5:
            return []
        from rapidfuzz import fuzz, process

        best = process.extractOne(text, self.names, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
        if best is None or not _word_for_word(words, best[2].split()):
            return []
        return self.exact.get(best[2], [])


def _word_for_word(words: tuple[str, ...], name: list[str]) -> bool:
    """A typo of a name is the name word for word: "kingdm of sirns" is Kingdom of Sirens,
    but "rio de janeiro have" is not Rio de Janeiro Arena."""
    from rapidfuzz import fuzz

    if len(words) != len(name):
        return False
    return all(w == n or fuzz.ratio(w, n) >= 70 for w, n in zip(words, name, strict=True))


def _is_keyword(word: str) -> bool:
    return word in _KEYWORDS


_KEYWORDS = (
    frozenset(
        w
        for group in (vocab.METRIC_PHRASES, vocab.DIMENSION_PHRASES, vocab.COUNTABLE)
        for p, _ in group
        for w in p.split()
    )
    | frozenset(w for p, _, _ in vocab.VALUE_PHRASES for w in p.split())
    | frozenset(vocab.UP_WORDS + vocab.DOWN_WORDS)
    | frozenset(
        [
            "last",
            "this",
            "next",
            "since",
            "year",
            "years",
            "quarter",
            "month",
            "days",
            "week",
            "ytd",
            "vs",
            "versus",
            "compare",
            "compared",
            "only",
            "just",
            "also",
            "about",
            "what",
            "break",
            "down",
            "split",
            "chart",
            "line",
            "bar",
            "pie",
            "table",
            "why",
            "growth",
            "grow",
            "grew",
            "share",
            "percentage",
            "percent",
        ]
    )
) - vocab.STOPWORDS


def build_lexicon(reader: Reader) -> Lexicon:
    """The lexicon of the lake as `reader` sees it, plus the closed value sets."""
    lex = Lexicon()
    for text, dim, value in vocab.VALUE_PHRASES:
        lex.add(text, Entry(dim, value), names=False)
    for dim, values in _lake_values(reader).items():
        for value in values:
            lex.add(value, Entry(dim, value), names=dim in _NAMED)
    _add_cities(lex, reader)
    _add_countries(lex, reader)
    _add_genres(lex, reader)
    return lex


def _rows(reader: Reader, sql: str) -> list[tuple[object, ...]]:
    """The rows of `sql`, or none when the reader's principal may not read the table: the
    lexicon holds only words for what this principal can see."""
    try:
        table = reader.sql(sql)
    except GreenroomError as exc:
        if exc.category != "authorization":
            raise
        return []
    return list(zip(*(c.to_pylist() for c in table.columns), strict=True))


def _column(reader: Reader, sql: str) -> list[object]:
    """The first column of `sql` (see `_rows`)."""
    return [row[0] for row in _rows(reader, sql)]


def _lake_values(reader: Reader) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    queries = {
        "artist": "SELECT DISTINCT name FROM silver.artists WHERE name IS NOT NULL",
        "venue": "SELECT DISTINCT name FROM silver.venues WHERE name IS NOT NULL",
        "price_tier": "SELECT DISTINCT price_tier FROM silver.ticket_sales",
        "customer_segment": "SELECT DISTINCT customer_segment FROM silver.ticket_sales",
    }
    for dim, sql in queries.items():
        out[dim] = [str(v) for v in _column(reader, sql) if v]
    return out


def _add_cities(lex: Lexicon, reader: Reader) -> None:
    rows = _rows(reader, "SELECT DISTINCT city, country FROM silver.venues WHERE city IS NOT NULL")
    pairs = [(str(city), str(country)) for city, country in rows]
    countries_of: dict[str, set[str]] = {}
    for city, country in pairs:
        countries_of.setdefault(city, set()).add(country)
    for city, countries in countries_of.items():
        for country in sorted(countries):
            entry = Entry("city", city, country if len(countries) > 1 else None)
            lex.add(city, entry)
    for alias, city in vocab.CITY_ALIASES.items():
        for country in sorted(countries_of.get(city, ())):
            lex.add(alias, Entry("city", city, country if len(countries_of[city]) > 1 else None))


def _add_countries(lex: Lexicon, reader: Reader) -> None:
    present = {
        str(c)
        for c in _column(
            reader, "SELECT DISTINCT country FROM silver.venues WHERE country IS NOT NULL"
        )
    }
    from greenroom import reference

    table = reference.load("countries")
    names = dict(
        zip(table.column("iso2").to_pylist(), table.column("name").to_pylist(), strict=True)
    )
    for code in present:
        lex.codes[code.lower()] = Entry("country", code)
        if code in names:
            lex.add(names[code], Entry("country", code))
    if "GB" in present:
        lex.codes["uk"] = Entry("country", "GB")
    for alias, code in vocab.COUNTRY_ALIASES.items():
        if code in present:
            lex.add(alias, Entry("country", code), names=False)


def _add_genres(lex: Lexicon, reader: Reader) -> None:
    present = {
        str(g) for g in _column(reader, "SELECT DISTINCT unnest(genres) FROM silver.artists") if g
    }
    for genre in present:
        lex.add(genre, Entry("genre", genre), names=False)
    for alias, genre in _genre_aliases():
        if genre in present:
            lex.add(alias, Entry("genre", genre), names=False)


def _genre_aliases() -> Iterable[tuple[str, str]]:
    text = resources.files("greenroom.reference").joinpath("genres.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        yield row["alias"], row["genre"]
