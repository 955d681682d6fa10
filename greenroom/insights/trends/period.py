"""Analysis periods: a named period or explicit dates, and the year-earlier comparison.

Ranges are ``[start, end)`` over the concert's `event_date` (CONTRACT.md). The comparison
period is the same dates one year earlier ("same period last year"), so it has the same
length and the same weekdays-and-months mix up to a day: growth is year over year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from greenroom.insights.trends.exceptions import UnknownPeriodError

NAMED_PERIODS = (
    "last_12_months",
    "last_6_months",
    "last_90_days",
    "last_30_days",
    "year_to_date",
    "last_year",
    "YYYY",
    "YYYY-Qn",
    "YYYY-MM",
)
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """``[start, end)`` and the same dates one year earlier."""

    label: str
    start: dt.date
    end: dt.date

    @property
    def previous(self) -> Period:
        return Period(f"{self.label} (previous year)", _years(self.start, -1), _years(self.end, -1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def _years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, min(day.day, 28))


def resolve_period(spec: str | tuple[dt.date, dt.date], today: dt.date) -> Period:
    """The `Period` for a name ("last_12_months", "2025", "2025-Q3", "2025-07") or dates."""
    if isinstance(spec, tuple):
        start, end = spec
        if not start < end:
            raise UnknownPeriodError(f"{start}..{end}", NAMED_PERIODS)
        return Period(f"{start} to {end - _DAY}", start, end)
    key = spec.strip().lower().replace(" ", "_")
    tomorrow = today + _DAY
    if key == "last_12_months":
        return Period("the last 12 months", _years(tomorrow, -1), tomorrow)
    if key == "last_6_months":
        return Period("the last 6 months", _months_back(tomorrow, 6), tomorrow)
    if key in ("last_90_days", "last_30_days"):
        n = int(key.split("_")[1])
        return Period(f"the last {n} days", tomorrow - n * _DAY, tomorrow)
    if key in ("year_to_date", "ytd"):
        return Period(f"{today.year} to date", dt.date(today.year, 1, 1), tomorrow)
    if key == "last_year":
        y = today.year - 1
        return Period(str(y), dt.date(y, 1, 1), dt.date(y + 1, 1, 1))
    if m := re.fullmatch(r"(\d{4})", key):
        y = int(m[1])
        return Period(str(y), dt.date(y, 1, 1), dt.date(y + 1, 1, 1))
    if m := re.fullmatch(r"(\d{4})-q([1-4])", key):
        y, q = int(m[1]), int(m[2])
        start = dt.date(y, 3 * q - 2, 1)
        end = dt.date(y + 1, 1, 1) if q == 4 else dt.date(y, 3 * q + 1, 1)
        return Period(f"Q{q} {y}", start, end)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", key):
        y, mo = int(m[1]), int(m[2])
        if 1 <= mo <= 12:
            end = dt.date(y + 1, 1, 1) if mo == 12 else dt.date(y, mo + 1, 1)
            return Period(dt.date(y, mo, 1).strftime("%B %Y"), dt.date(y, mo, 1), end)
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:\.\.|/)(\d{4}-\d{2}-\d{2})", key):
        return resolve_period((dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])), today)
    raise UnknownPeriodError(spec, NAMED_PERIODS)
