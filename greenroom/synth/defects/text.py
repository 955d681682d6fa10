"""Broken names: variants of the same name, and mojibake.

Applied only to the records that carry the defect (a few percent), one name at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from greenroom.synth.chars import fold_ascii

_CP1252 = bytes(range(0x80, 0x100)).decode("cp1252", errors="replace")
_TO_MOJIBAKE = {i + 0x80: (c if c != "\ufffd" else chr(i + 0x80)) for i, c in enumerate(_CP1252)}


def mojibake(text: str) -> str:
    """UTF-8 bytes read as Windows-1252 (Latin-1 where 1252 has a hole): ö -> Ã¶."""
    raw = text.encode("utf-8")
    return "".join(chr(b) if b < 0x80 else _TO_MOJIBAKE[b] for b in raw)


def has_non_ascii(text: str | None) -> bool:
    return text is not None and not text.isascii()


def _swap_the(name: str) -> str | None:
    if name.startswith("The "):
        return f"{name[4:]}, The"
    if name.endswith(", The"):
        return f"The {name[:-5]}"
    return None


def _punctuation(name: str) -> str | None:
    if " & " in name:
        return name.replace(" & ", " and ")
    if " and " in name:
        return name.replace(" and ", " & ")
    if "'" in name:
        return name.replace("'", "")
    if " " in name:
        return name.replace(" ", "-", 1)
    return f"{name}."


def _typo(name: str, rng: np.random.Generator) -> str | None:
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 4:
        return None
    i = letters[int(rng.integers(1, len(letters)))]
    op = int(rng.integers(3))
    if op == 0:
        return name[:i] + name[i + 1 :]
    if op == 1:
        return name[:i] + name[i] + name[i:]
    if i + 1 < len(name) and name[i + 1].isalpha() and name[i + 1] != name[i]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + name[i + 1 :]


def _case(name: str) -> str:
    return name.upper() if name != name.upper() else name.lower()


def _spacing(name: str) -> str:
    return re.sub(" ", "  ", name, count=1) if " " in name else f" {name}"


def _drop_accents(name: str) -> str | None:
    return fold_ascii(name) if not name.isascii() else None


def name_variant(name: str, rng: np.random.Generator) -> str:
    """A different spelling of ``name`` a person would still recognise.

    Case, spacing, "The X" <-> "X, The", punctuation, dropped accents or a one-letter
    typo. Never empty, never equal to ``name``.
    """
    ops: list[Callable[[str], str | None]] = [
        _case,
        str.lower,
        _spacing,
        _swap_the,
        _punctuation,
        _drop_accents,
        lambda s: _typo(s, rng),
    ]
    start = int(rng.integers(len(ops)))
    for k in range(len(ops)):
        out = ops[(start + k) % len(ops)](name)
        if out and out.strip() and out != name:
            return out
    return f"{name}."
