"""Dates in other (parseable) formats, and values that are not dates at all."""

from __future__ import annotations

import numpy as np

from greenroom.synth import calendar

# Parseable alternatives. Slashes with a 24-hour clock are day-first; slashes with
# AM/PM are month-first; dates without time use dots (day-first), month names or
# year-first slashes, so that no value is ambiguous.
TIMESTAMP_STYLES: tuple[str, ...] = ("dmy", "mdy_12h", "space")
DATE_STYLES: tuple[str, ...] = ("dotted", "long", "slashed")


def mixed_timestamps(rng: np.random.Generator, ms: np.ndarray, seconds: bool) -> np.ndarray:
    """Each timestamp (local wall time or UTC, as the field is) in a random other style."""
    style = rng.integers(len(TIMESTAMP_STYLES), size=len(ms))
    parts = [calendar.timestamp_text(ms, s, seconds=seconds) for s in TIMESTAMP_STYLES]
    width = max(p.shape[1] for p in parts)
    out = np.zeros((len(ms), width), dtype=np.uint8)
    for i, part in enumerate(parts):
        rows = style == i
        out[rows, : part.shape[1]] = part[rows]
    return out


def mixed_dates(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    style = rng.integers(len(DATE_STYLES), size=len(days))
    parts = [calendar.date_text(days, s) for s in DATE_STYLES]
    width = max(p.shape[1] for p in parts)
    out = np.zeros((len(days), width), dtype=np.uint8)
    for i, part in enumerate(parts):
        rows = style == i
        out[rows, : part.shape[1]] = part[rows]
    return out


def bad_dates(rng: np.random.Generator, ms: np.ndarray, with_time: bool) -> list[str]:
    """Values in a date field that are not dates: impossible days or placeholders."""
    year, _, _ = calendar.civil(np.asarray(ms, dtype=np.int64) // calendar.MS_PER_DAY)
    time = "T20:00:00" if with_time else ""
    out = []
    for y, pick in zip(year.tolist(), rng.integers(7, size=len(year)).tolist(), strict=True):
        out.append(
            (
                f"{y}-02-30{time}",
                f"{y}-13-01{time}",
                f"{y}-04-31{time}",
                "TBD",
                "n/a",
                "00/00/0000",
                "unknown",
            )[pick]
        )
    return out
