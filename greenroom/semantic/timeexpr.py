"""Periods in words → dates, exactly as CONTRACT.md defines them.

"this year/quarter/month" is the whole calendar period; "year/quarter/month to date" and
"so far this …" run from its first day to today; "last year/quarter/month" is the previous
full period; "the last N days" are the N days ending today; "since March" runs from the
first day of the latest March to today; "upcoming" is after today. Ranges are
``[start, end)`` over `event_date`.
"""

from __future__ import annotations

import datetime as dt
import re

from greenroom.semantic.exceptions import SemanticError

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_DAY = dt.timedelta(days=1)


def year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def quarter_range(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    return start, _add_months(start, 3)


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    return start, _add_months(start, 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def resolve_relative(phrase: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The ``[start, end)`` of a relative phrase (see `TimeRange.relative`)."""
    key = phrase.strip().lower().replace(" ", "_")
    tomorrow = today + _DAY
    quarter = (today.month - 1) // 3 + 1
    if key == "this_year":
        return year_range(today.year)
    if key == "last_year":
        return year_range(today.year - 1)
    if key == "year_to_date":
        return dt.date(today.year, 1, 1), tomorrow
    if key == "this_quarter":
        return quarter_range(today.year, quarter)
    if key == "last_quarter":
        start, _ = quarter_range(today.year, quarter)
        return _add_months(start, -3), start
    if key == "quarter_to_date":
        return quarter_range(today.year, quarter)[0], tomorrow
    if key == "this_month":
        return month_range(today.year, today.month)
    if key == "last_month":
        start = dt.date(today.year, today.month, 1)
        return _add_months(start, -1), start
    if key == "month_to_date":
        return dt.date(today.year, today.month, 1), tomorrow
    if key == "upcoming":
        return tomorrow, None
    if key == "past":
        return None, tomorrow
    days = re.fullmatch(r"last_(\d{1,4})_days", key)
    if days:
        return tomorrow - int(days.group(1)) * _DAY, tomorrow
    since = re.fullmatch(r"since_([a-z]+)", key)
    if since and since.group(1) in MONTHS:
        month = MONTHS.index(since.group(1)) + 1
        year = today.year if month <= today.month else today.year - 1
        return dt.date(year, month, 1), tomorrow
    raise SemanticError(
        f"unknown relative period `{phrase}`; use e.g. `last_year`, `this_quarter`, "
        "`last_90_days`, `since_march`, `year_to_date` or `upcoming`"
    )


def shift_year(start: dt.date | None, end: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """The same dates one year earlier ("same period last year")."""
    return _minus_year(start), _minus_year(end)


def previous_period(
    start: dt.date | None, end: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """The period of the same length just before ``[start, end)``; whole calendar units
    (a year, a quarter, a month) step back by that unit."""
    if start is None or end is None:
        raise SemanticError("a comparison with the previous period needs a bounded period")
    months = (end.year - start.year) * 12 + end.month - start.month
    if start.day == 1 and end.day == 1 and months > 0:
        return _add_months(start, -months), start
    length = end - start
    return start - length, start


def _minus_year(day: dt.date | None) -> dt.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def describe(start: dt.date | None, end: dt.date | None) -> str:
    """A period in words: "2024", "Q3 2025", "March 2025", "1 Jan 2025 – 30 Jun 2026"."""
    if start and end:
        if start.month == 1 and start.day == 1 and end == dt.date(start.year + 1, 1, 1):
            return str(start.year)
        if start.day == 1 and end == _add_months(start, 3) and start.month % 3 == 1:
            return f"Q{(start.month - 1) // 3 + 1} {start.year}"
        if start.day == 1 and end == _add_months(start, 1):
            return f"{MONTHS[start.month - 1].title()} {start.year}"
        last = end - _DAY
        return f"{_day(start)} – {_day(last)}"
    if start:
        return f"from {_day(start)}"
    if end:
        return f"until {_day(end - _DAY)}"
    return "all time"


def _day(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1][:3].title()} {day.year}"
