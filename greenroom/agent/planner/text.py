"""Text folding and tokens for the offline planner: lower case, accents folded, words."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_LETTERS = {"ø": "o", "æ": "ae", "å": "a", "ß": "ss", "ł": "l", "đ": "d", "œ": "oe"}
_SPECIAL = str.maketrans(_LETTERS | {k.upper(): v.upper() for k, v in _LETTERS.items() if k != "ß"})
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_WORD_CASED = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_VOWELS = re.compile(r"[aeiou]")


def fold(text: str, *, lower: bool = True) -> str:
    """Lower case with accents removed: "Motörkult" → "motorkult", "Ødeland" → "odeland"."""
    lowered = (text.lower() if lower else text).translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of `text`; possessives lose their `'s` ("king's" → "king")."""
    out = []
    for match in _WORD.finditer(fold(text).replace("&", " and ")):
        word = match.group(0)
        out.append(re.sub(r"['’]s$", "", word).replace("’", "'"))
    return out


_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_SHORT = {
    "yr": "year",
    "yrs": "years",
    "tix": "tickets",
    "qtr": "quarter",
    "qtrs": "quarters",
    "num": "number",
    "atp": "average ticket price",
    "rev": "revenue",
    "h1": "first half of",
    "h2": "second half of",
    "thru": "through",
    "w/o": "without",
}
_SHORT_RE = re.compile(r"(?<![\w/])(" + "|".join(map(re.escape, _SHORT)) + r")(?![\w/])", re.I)
_YEAR_WORDS = re.compile(
    r"\btwenty[\s-]+(twenty|nineteen)(?:[\s-]+(" + "|".join(_UNITS) + r"))?\b", re.I
)


def shorthand(text: str) -> str:
    """What people type for what the planner reads: "%" → percent, "Q2'25" → Q2 2025,
    "twenty twenty four" → 2024, "2025-07-01" → one date token, "yr", "tix", "ATP" …"""
    text = text.replace("%", " percent ").replace("#1", " top 1 ")
    text = re.sub(r"\bcalendar (year|quarter|month)", r"\1", text, flags=re.I)
    text = re.sub(r"\b(number|no\.?) one\b", "top 1", text, flags=re.I)
    text = re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", r" date\1\2\3 ", text)
    text = re.sub(r"['’](\d{2})\b", r" 20\1", text)

    def year(match: re.Match[str]) -> str:  # "twenty twenty four" → 2024
        unit = match.group(2)
        ones = _UNITS.index(unit.lower()) + 1 if unit else 0
        return str(2019 if match.group(1).lower() == "nineteen" else 2020 + ones)

    text = _YEAR_WORDS.sub(year, text)
    return _SHORT_RE.sub(lambda m: _SHORT[m.group(1).lower()], text)


def phrase(text: str) -> str:
    """The canonical form of a name: its folded words joined by single spaces."""
    return " ".join(words(text))


def skeleton(text: str) -> str:
    """Consonants only ("iron maiden" → "rn mdn"): matches names typed without vowels."""
    return " ".join(w for w in (_VOWELS.sub("", w) for w in words(text)) if w)


@dataclass(frozen=True)
class Tokens:
    """The words of a message, with helpers to test phrases at positions."""

    items: tuple[str, ...]
    upper: tuple[bool, ...] = ()
    """Whether each word was written in capitals (country codes: "US", not "us")."""

    def __post_init__(self) -> None:
        if len(self.upper) != len(self.items):
            object.__setattr__(self, "upper", (False,) * len(self.items))

    @classmethod
    def of(cls, text: str) -> Tokens:
        text = shorthand(text)
        cased = _WORD_CASED.findall(fold(text, lower=False))
        return cls(tuple(words(text)), tuple(w.isupper() and len(w) > 1 for w in cased))

    def __len__(self) -> int:
        return len(self.items)

    def text(self) -> str:
        return " ".join(self.items)

    def has(self, *phrases: str) -> bool:
        padded = f" {self.text()} "
        return any(f" {p} " in padded for p in phrases)

    def find(self, phrase_: str) -> int:
        """Index of the first token of `phrase_`, or -1."""
        parts = phrase_.split()
        n = len(parts)
        for i in range(len(self.items) - n + 1):
            if list(self.items[i : i + n]) == parts:
                return i
        return -1
