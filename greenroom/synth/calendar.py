"""Civil-calendar arithmetic and timestamp text on int64 epoch values (vectorised).

Timestamps travel as int64 milliseconds since 1970-01-01 UTC, dates as int64 days.
The conversions are Howard Hinnant's ``civil_from_days`` / ``days_from_civil``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from greenroom.synth import chars

MS_PER_DAY = 86_400_000
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def epoch_day(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month 1-12, day 1-31) of epoch days."""
    z = np.asarray(days, dtype=np.int32) + np.int32(719_468)
    era = np.floor_divide(z, np.int32(146_097))
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (m <= 2)
    return y, m, d


def days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=np.int64) - (np.asarray(m) <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mm = np.asarray(m, dtype=np.int64)
    doy = (153 * np.where(mm > 2, mm - 3, mm + 9) + 2) // 5 + np.asarray(d, dtype=np.int64) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days: np.ndarray = era * 146_097 + doe - 719_468
    return days


def weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday ... 6 = Sunday."""
    return (np.asarray(days, dtype=np.int64) + 3) % 7


def split_ms(ms: np.ndarray) -> tuple[np.ndarray, ...]:
    """(year, month, day, hour, minute, second, millisecond) of epoch milliseconds."""
    ms = np.asarray(ms, dtype=np.int64)
    days = ms // MS_PER_DAY
    rest = (ms - days * MS_PER_DAY).astype(np.int32)
    y, m, d = civil(days)
    secs, milli = np.divmod(rest, np.int32(1000))
    hh, rem = np.divmod(secs, 3600)
    mi, ss = np.divmod(rem, 60)
    return y, m, d, hh, mi, ss, milli


def date_text(days: np.ndarray, style: str = "iso") -> np.ndarray:
    """Dates as text: ``iso`` 2025-03-14, ``dotted`` 14.03.2025, ``long`` 14 Mar 2025,
    ``slashed`` 2025/03/14, ``year`` 2025, ``month`` 2025-03."""
    y, m, d = civil(days)
    n = len(y)
    dash, dot, sl, sp = (chars.literal(n, c) for c in "-./ ")
    yy, mm, dd = chars.digits(y, 4), chars.digits(m, 2), chars.digits(d, 2)
    if style == "iso":
        return chars.hstack([yy, dash, mm, dash, dd])
    if style == "dotted":
        return chars.hstack([dd, dot, mm, dot, yy])
    if style == "long":
        return chars.hstack([dd, sp, chars.vocab(m - 1, MONTHS), sp, yy])
    if style == "slashed":
        return chars.hstack([yy, sl, mm, sl, dd])
    if style == "year":
        return yy
    if style == "month":
        return chars.hstack([yy, dash, mm])
    raise ValueError(style)


def timestamp_text(ms: np.ndarray, style: str = "iso_z", seconds: bool = True) -> np.ndarray:
    """Timestamps as text.

    ``iso_z`` 2025-03-14T19:00:00Z, ``iso_ms_z`` 2025-03-14T19:00:00.123Z, ``iso_local``
    2025-03-14T20:00:00, ``space`` 2025-03-14 20:00, ``dmy`` 14/03/2025 20:00,
    ``mdy_12h`` 03/14/2025 8:00 PM. ``seconds`` adds ``:SS`` to the last three.
    """
    y, m, d, hh, mi, ss, milli = split_ms(ms)
    n = len(y)
    lit = {c: chars.literal(n, c) for c in "-:/ TZ."}
    yy, mo, dd = chars.digits(y, 4), chars.digits(m, 2), chars.digits(d, 2)
    hm = [chars.digits(hh, 2), lit[":"], chars.digits(mi, 2)]
    sec = [lit[":"], chars.digits(ss, 2)]
    iso_date = [yy, lit["-"], mo, lit["-"], dd]
    if style == "iso_z":
        return chars.hstack([*iso_date, lit["T"], *hm, *sec, lit["Z"]])
    if style == "iso_ms_z":
        return chars.hstack(
            [*iso_date, lit["T"], *hm, *sec, lit["."], chars.digits(milli, 3), lit["Z"]]
        )
    if style == "iso_local":
        return chars.hstack([*iso_date, lit["T"], *hm, *sec])
    tail = sec if seconds else []
    if style == "space":
        return chars.hstack([*iso_date, lit[" "], *hm, *tail])
    if style == "dmy":
        return chars.hstack([dd, lit["/"], mo, lit["/"], yy, lit[" "], *hm, *tail])
    if style == "mdy_12h":
        h12 = np.where(hh % 12 == 0, 12, hh % 12)
        ampm = chars.vocab((hh >= 12).astype(np.int64), [" AM", " PM"])
        return chars.hstack(
            [
                mo,
                lit["/"],
                dd,
                lit["/"],
                yy,
                lit[" "],
                chars.digits(h12, 2, pad=False),
                lit[":"],
                chars.digits(mi, 2),
                *tail,
                ampm,
            ]
        )
    raise ValueError(style)
