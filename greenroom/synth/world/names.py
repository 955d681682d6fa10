"""Fake but plausible names: bands and solo artists, venues by type, people.

Names are drawn per entity (a few thousand at most) and kept unique under a loose
key (case, accents, a leading "The" and punctuation ignored), so that two true entities
never look like name variants of each other.
"""

from __future__ import annotations

import re

import numpy as np

from greenroom.synth.chars import fold_ascii
from greenroom.synth.reference import Words

_HEAVY = {"metal", "hard rock", "punk", "grunge"}


def name_key(name: str) -> str:
    """The loose identity of a name: ``"The Night-Owls" ~ "night owls"``."""
    folded = fold_ascii(name).lower()
    folded = re.sub(r"^the\s+|,\s*the$", "", folded.strip())
    return re.sub(r"[^a-z0-9]", "", folded)


def _pick(rng: np.random.Generator, items: tuple[str, ...]) -> str:
    return items[int(rng.integers(len(items)))]


def _band(rng: np.random.Generator, w: Words, heavy: bool) -> str:
    if rng.random() < (0.35 if heavy else 0.08):
        word = _pick(rng, w.accented_band_words)
        return word if rng.random() < 0.7 else f"{word} {_pick(rng, w.plural_nouns)}"
    pattern = int(rng.integers(6))
    adj, plural, noun = _pick(rng, w.adjectives), _pick(rng, w.plural_nouns), _pick(rng, w.nouns)
    return (
        f"The {adj} {plural}",
        f"{adj} {noun}",
        f"{noun} {_pick(rng, w.nouns)}",
        f"The {plural}",
        f"{noun} of {plural}",
        f"{adj} {plural}",
    )[pattern]


def artist_names(
    rng: np.random.Generator, solo: np.ndarray, genres: list[str], w: Words
) -> list[str]:
    """One unique name per artist: people for ``solo`` artists, bands otherwise."""
    taken: set[str] = set()
    out: list[str] = []
    for is_solo, genre in zip(solo.tolist(), genres, strict=True):
        while True:
            if is_solo:
                name = f"{_pick(rng, w.first_names)} {_pick(rng, w.last_names)}"
            else:
                name = _band(rng, w, genre in _HEAVY)
            key = name_key(name)
            if key not in taken:
                taken.add(key)
                out.append(name)
                break
    return out


def _venue(rng: np.random.Generator, kind: str, city: str, w: Words) -> str:
    last, noun, adj = _pick(rng, w.last_names), _pick(rng, w.nouns), _pick(rng, w.adjectives)
    if kind == "club":
        club = _pick(rng, w.club_words)
        options = [
            f"The {noun} {club}",
            f"{adj} {noun}",
            f"Club {noun}",
            f"{noun} {club}",
            f"{last}'s {club}",
        ]
    elif kind == "theater":
        hall = _pick(rng, w.theater_words)
        if hall in ("Teatro", "Salle", "Théâtre"):
            options = [f"{hall} {last}", f"{hall} {city}"]
        else:
            options = [f"{city} {hall}", f"{last} {hall}", f"The {adj} {hall}"]
    elif kind == "arena":
        sponsor = _pick(rng, w.sponsors)
        options = [
            f"{sponsor} Arena",
            f"{city} Arena",
            f"{sponsor} Center",
            f"{sponsor} Dome",
            f"{city} Sports Hall",
        ]
    else:
        options = [
            f"{city} Amphitheatre",
            f"{last} Park",
            f"{adj} Meadows",
            f"{city} Open Air Grounds",
            f"{noun} Bowl",
        ]
    return options[int(rng.integers(len(options)))]


def venue_names(
    rng: np.random.Generator, kinds: list[str], cities: list[str], w: Words
) -> list[str]:
    """One unique name per venue, styled by venue type and city."""
    taken: set[str] = set()
    out: list[str] = []
    for kind, city in zip(kinds, cities, strict=True):
        for attempt in range(1000):
            name = _venue(rng, kind, city, w)
            if attempt > 50:
                name = f"{name} {city}"
            if name_key(name) not in taken:
                break
        taken.add(name_key(name))
        out.append(name)
    return out


def people(rng: np.random.Generator, n: int, w: Words) -> tuple[np.ndarray, np.ndarray]:
    """Indices into ``w.first_names`` and ``w.last_names`` for ``n`` people."""
    first = rng.integers(len(w.first_names), size=n)
    last = rng.integers(len(w.last_names), size=n)
    return first, last
