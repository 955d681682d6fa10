"""Time in words → a period, a comparison, or a breakdown by year.

Understands years ("in 2024", "2025 shows"), quarters ("Q3 2025", "third quarter of
2025"), months ("March 2025", "in March"), the relative periods of CONTRACT.md ("last
year", "this quarter", "year to date", "so far this month", "the last 90 days", "since
March", "upcoming") and comparisons ("2024 vs 2025", "compared with last year", "year over
year"). Returns the token positions it used, so other passes skip them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from greenroom.agent.planner import vocabulary as vocab
from greenroom.agent.planner.text import Tokens
from greenroom.semantic.query import Comparison, TimeRange
from greenroom.semantic.timeexpr import MONTHS, month_range, quarter_range, year_range

_ORDINAL_Q = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
_UNITS = ("year", "quarter", "month")
_GROWTH = (
    "than",
    "how much more",
    "how many more",
    "growth",
    "grow",
    "grew",
    "grown",
    "change",
    "changed",
    "increase",
    "increased",
    "decrease",
    "decreased",
    "decline",
    "declined",
    "more than",
    "less than",
    "fewer than",
    "difference",
    "drop",
    "dropped",
    "rise",
    "rose",
    "up from",
    "down from",
)
_YEAR = re.compile(r"(19|20)\d\d")
_NUMBER_WORDS = vocab.NUMBER_WORDS


@dataclass
class TimeSignals:
    time: TimeRange | None = None
    compare: Comparison | None = None
    years: list[int] = field(default_factory=list)
    """Two or more years compared side by side ("2024 vs 2025")."""
    used: set[int] = field(default_factory=set)
    growth: bool = False
    """A growth cue ("grow", "change", "more than"): two adjacent years compare as one row."""
    explicit_compare: bool = False
    """A named comparison ("compared with last year"), kept even beside a time breakdown."""
    shift_back: bool = False
    """"same period last year" / "the year before" alone: a follow-up moves its period back."""
    today: dt.date = dt.date(2026, 6, 30)
    periods: list[tuple[str, int, int]] = field(default_factory=list)
    """Quarters named side by side ("Q1 2025 and Q2 2025"): (unit, year, n)."""
    breakdown: tuple[str, list[int]] | None = None
    """Those quarters as a breakdown: the unit and its numbers."""


def parse_time(tokens: Tokens, today: dt.date) -> TimeSignals:
    out = TimeSignals(today=today)
    w = tokens.items
    _comparisons(tokens, out)
    i = 0
    while i < len(w):
        step = _at(w, i, today, out)
        i += max(step, 1)
    if len(out.periods) >= 2 and len({(u, y) for u, y, _ in out.periods}) == 1:
        unit, year, _ = out.periods[0]
        numbers = sorted({n for _, _, n in out.periods})
        span = quarter_range if unit == "quarter" else month_range
        start, end = span(year, numbers[0])[0], span(year, numbers[-1])[1]
        first, last = (
            (f"Q{numbers[0]}", f"Q{numbers[-1]}")
            if unit == "quarter"
            else (MONTHS[numbers[0] - 1].title(), MONTHS[numbers[-1] - 1].title())
        )
        out.time = TimeRange(start=start, end=end, label=f"{first}–{last} {year}")
        out.breakdown = (unit, numbers)
        return out
    out.periods = []
    years = [int(t) for i, t in enumerate(w) if _YEAR.fullmatch(t) and i not in out.used]
    if out.time is None and len(set(years)) >= 2:
        _many_years(tokens, sorted(set(years)), out)
    elif out.time is None and len(years) == 1:
        start, end = year_range(years[0])
        at = w.index(str(years[0]))
        so_far = tokens.has("so far", "to date", "until now", "till now", "thus far")
        if so_far and years[0] == today.year:
            out.time = TimeRange(relative="year_to_date", label=f"{years[0]} so far")
        else:
            out.time = TimeRange(start=start, end=end, label=str(years[0]))
        out.used.add(at)
    return out


def _at(w: tuple[str, ...], i: int, today: dt.date, out: TimeSignals) -> int:
    """Try the phrases that start at token `i`; the number of tokens used (0: none)."""
    if i in out.used:
        return 0
    word = w[i]
    nxt = w[i + 1] if i + 1 < len(w) else ""
    nxt = nxt[:-1] if nxt in ("years", "quarters", "months") and word in ("this", "last") else nxt
    after = w[i + 2] if i + 2 < len(w) else ""
    if out.time is None:
        used = _range_at(w, i, today, out)
        if used:
            return used
    quarter = _quarter_at(w, i)
    if quarter:
        q, used = quarter
        given = _year_after(w, i + used)
        year = given or _latest_year(today, 3 * q - 2)
        start, end = quarter_range(year, q)
        out.periods.append(("quarter", year, q))
        if out.time is None:
            out.time = TimeRange(start=start, end=end, label=f"Q{q} {year}")
        out.used.update(range(i, i + used + (1 + _of(w, i + used) if given else 0)))
        return used
    month = _month(word)
    pair_year = _pair_year(w, i)
    if month and (
        w[i - 1 : i] in (("in",), ("of",), ("for",), ("during",), ("since",))
        or _year_after(w, i + 1)
        or pair_year
        or (i > 1 and w[i - 1] in _CONNECTORS and _month(w[i - 2]))
    ):
        if i > 0 and w[i - 1] == "since":
            if out.time is None:
                out.time = TimeRange(
                    relative=f"since_{MONTHS[month - 1]}",
                    label=f"since {MONTHS[month - 1].title()}",
                )
                out.used.update({i - 1, i})
            return 1
        given = _year_after(w, i + 1)
        year = given or pair_year or _latest_year(today, month)
        start, end = month_range(year, month)
        out.periods.append(("month", year, month))
        if out.time is None:
            out.time = TimeRange(start=start, end=end, label=f"{MONTHS[month - 1].title()} {year}")
        out.used.update(range(i, i + 1 + (1 + _of(w, i + 1) if given else 0)))
        return 1
    if out.time is not None:
        return 0
    if (
        word in ("last", "past", "previous", "prior")
        and _count(nxt)
        and after in ("days", "day", "weeks", "week")
    ):
        n = _count(nxt) or 0
        n = n * 7 if after.startswith("week") else n
        out.time = TimeRange(relative=f"last_{n}_days", label=f"the last {n} days")
        out.used.update({i, i + 1, i + 2})
        return 3
    if word == "last" and nxt in ("quarter", "month") and after == "of" and _year_after(w, i + 2):
        year = _year_after(w, i + 2) or today.year
        start, end = quarter_range(year, 4) if nxt == "quarter" else month_range(year, 12)
        label = f"Q4 {year}" if nxt == "quarter" else f"December {year}"
        out.time = TimeRange(start=start, end=end, label=label)
        out.used.update(range(i, i + 4))
        return 4
    if word in ("last", "previous", "prior") and nxt in _UNITS:
        if i > 0 and w[i - 1] in ("than", "with", "to", "vs", "versus", "from", "against"):
            return 0
        if (
            i > 1
            and w[i - 1] == "the"
            and w[i - 2] in ("than", "with", "to", "vs", "versus", "against", "over")
        ):
            return 0
        out.time = TimeRange(relative=f"last_{nxt}", label=f"last {nxt}")
        out.used.update({i, i + 1})
        return 2
    if word == "past" and nxt in ("week", "month", "year"):
        days = {"week": 7, "month": 30, "year": 365}[nxt]
        out.time = TimeRange(relative=f"last_{days}_days", label=f"the past {nxt}")
        out.used.update({i, i + 1})
        return 2
    if word in ("this", "current") and nxt in _UNITS:
        sofar = i >= 2 and w[i - 2 : i] == ("so", "far")
        kind = f"{nxt}_to_date" if sofar else f"this_{nxt}"
        out.time = TimeRange(relative=kind, label=("so far this " if sofar else "this ") + nxt)
        out.used.update(range(i - 2 if sofar else i, i + 2))
        return 2
    if word in _UNITS and nxt == "to" and after == "date":
        out.time = TimeRange(relative=f"{word}_to_date", label=f"{word} to date")
        out.used.update({i, i + 1, i + 2})
        return 3
    if word in ("ytd", "qtd", "mtd"):
        unit = {"y": "year", "q": "quarter", "m": "month"}[word[0]]
        out.time = TimeRange(relative=f"{unit}_to_date", label=f"{unit} to date")
        out.used.add(i)
        return 1
    if word == "since" and _YEAR.fullmatch(nxt):
        out.time = TimeRange(
            start=dt.date(int(nxt), 1, 1), end=today + dt.timedelta(days=1), label=f"since {nxt}"
        )
        out.used.update({i, i + 1})
        return 2
    if (
        word in ("upcoming", "future")
        or (word == "coming" and nxt == "up")
        or (word == "next" and nxt in ("concerts", "shows", "gigs", "events"))
    ):
        out.time = TimeRange(relative="upcoming", label="upcoming")
        out.used.add(i)
        return 1
    if (
        word in ("between", "from")
        and not out.growth
        and _YEAR.fullmatch(nxt)
        and after in ("and", "to", "until", "through")
        and i + 3 < len(w)
        and _YEAR.fullmatch(w[i + 3])
    ):
        a, b = sorted((int(nxt), int(w[i + 3])))
        out.time = TimeRange(start=dt.date(a, 1, 1), end=dt.date(b + 1, 1, 1), label=f"{a}–{b}")
        out.used.update(range(i, i + 4))
        return 4
    return 0


_RANGE_TO = ("to", "through", "until", "till", "and")
_DATE = re.compile(r"date(\d{4})(\d{2})(\d{2})")


def _range_at(w: tuple[str, ...], i: int, today: dt.date, out: TimeSignals) -> int:
    """Spans that are not one calendar unit: "from July to December 2025", "the second
    half of 2025", "from 2025-07-01 to 2025-12-31", "since 2025-03-15"."""
    word = w[i]
    at = i + 1 if word in ("from", "between") else i
    first = _month(w[at]) if at < len(w) else None
    if first and at + 2 < len(w) and w[at + 1] in _RANGE_TO and _month(w[at + 2]):
        if word not in ("from", "between") and w[at + 1] == "and":
            return 0  # "March and April": side by side, not a span
        last = _month(w[at + 2]) or 12
        year = _year_after(w, at + 3) or _latest_year(today, first)
        start = month_range(year, first)[0]
        end = month_range(year + (1 if last < first else 0), last)[1]
        out.time = TimeRange(
            start=start,
            end=end,
            label=f"{MONTHS[first - 1].title()}–{MONTHS[last - 1].title()} {year}",
        )
        used = at + 3 - i + (1 + _of(w, at + 3) if _year_after(w, at + 3) else 0)
        out.used.update(range(i, i + used))
        return used
    if word in ("first", "second") and w[i + 1 : i + 2] == ("half",):
        year = _year_after(w, i + 2) or today.year
        start = dt.date(year, 1 if word == "first" else 7, 1)
        end = dt.date(year, 7, 1) if word == "first" else dt.date(year + 1, 1, 1)
        out.time = TimeRange(start=start, end=end, label=f"the {word} half of {year}")
        out.used.update(range(i, i + 2 + (1 + _of(w, i + 2) if _year_after(w, i + 2) else 0)))
        return 2
    day = _date(word)
    if day is None:
        return 0
    nxt = w[i + 2] if i + 2 < len(w) else ""
    other = _date(nxt) if i + 1 < len(w) and w[i + 1] in _RANGE_TO else None
    before = w[i - 1] if i > 0 else ""
    one = dt.timedelta(days=1)
    if other is not None:
        out.time = TimeRange(
            start=min(day, other),
            end=max(day, other) + one,
            label=f"{min(day, other)} – {max(day, other)}",
        )
        out.used.update(
            {i - 1, i, i + 1, i + 2} if before in ("from", "between") else {i, i + 1, i + 2}
        )
        return 3
    if before in ("since", "after", "from"):
        out.time = TimeRange(
            start=day + (one if before == "after" else dt.timedelta()),
            end=today + one,
            label=f"{before} {day}",
        )
    elif before in ("before", "until", "till"):
        out.time = TimeRange(
            end=day + (dt.timedelta() if before == "before" else one), label=f"{before} {day}"
        )
    else:
        out.time = TimeRange(start=day, end=day + one, label=str(day))
    out.used.update({i - 1, i} if before else {i})
    return 1


def _date(word: str) -> dt.date | None:
    m = _DATE.fullmatch(word)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _comparisons(tokens: Tokens, out: TimeSignals) -> None:
    phrases = {
        "year_ago": (
            "same period last year",
            "year over year",
            "yoy",
            "than last year",
            "with last year",
            "to last year",
            "vs last year",
            "versus last year",
            "the year before",
            "a year earlier",
            "a year ago",
            "against last year",
        ),
        "previous_period": (
            "previous period",
            "prior period",
            "the period before",
            "than the previous",
            "with the previous",
            "to the previous",
            "vs the previous",
            "previous quarter",
            "previous month",
            "previous year",
            "prior year",
            "the quarter before",
            "the month before",
            "last period",
        ),
    }
    out.growth = tokens.has(*_GROWTH)
    comparing = out.growth or tokens.has(*_COMPARING)
    for kind, options in phrases.items():
        for p in options:
            at = tokens.find(p)
            if at < 0 or out.compare is not None:
                continue
            if p in _UNIT_PHRASES and not _after_comparison(tokens.items, at):
                continue  # "sold in the previous year": a period, not a comparison
            out.compare = Comparison(kind="year_ago" if kind == "year_ago" else "previous_period")
            out.explicit_compare = True
            out.shift_back = p in _SHIFTS and not comparing
            out.used.update(range(at, at + len(p.split())))
    if out.compare is None and out.growth:
        out.compare = Comparison(kind="previous_period")


_UNIT_PHRASES = ("previous quarter", "previous month", "previous year", "prior year")
_SHIFTS = ("same period last year", "the year before", "a year earlier")
_COMPARING = ("compared", "compare", "comparison", "vs", "versus", "against", "relative to")


def _after_comparison(w: tuple[str, ...], at: int) -> bool:
    before = w[max(0, at - 3) : at]
    return any(x in before for x in ("than", "with", "to", "vs", "versus", "against", "over"))


def _many_years(tokens: Tokens, years: list[int], out: TimeSignals) -> None:
    out.years = years
    out.used.update(i for i, t in enumerate(tokens.items) if _YEAR.fullmatch(t))


_CONNECTORS = ("vs", "versus", "and", "or", "to", "against")


def _pair_year(w: tuple[str, ...], i: int) -> int | None:
    """The year after the second of two months named together ("March vs April 2026")."""
    if i + 2 < len(w) and w[i + 1] in _CONNECTORS and _month(w[i + 2]):
        return _year_after(w, i + 3)
    return None


def _quarter_at(w: tuple[str, ...], i: int) -> tuple[int, int] | None:
    word = w[i]
    m = re.fullmatch(r"q([1-4])", word)
    if m:
        return int(m.group(1)), 1
    if word in _ORDINAL_Q and i + 1 < len(w) and w[i + 1] == "quarter":
        return _ORDINAL_Q[word], 2
    return None


def _of(w: tuple[str, ...], i: int) -> int:
    return 1 if i < len(w) and w[i] == "of" else 0


def _year_after(w: tuple[str, ...], i: int) -> int | None:
    i += _of(w, i)
    if i < len(w) and _YEAR.fullmatch(w[i]):
        return int(w[i])
    return None


def _month(word: str) -> int | None:
    if word in MONTHS:
        return MONTHS.index(word) + 1
    return _MONTH_ABBR.get(word)


def _latest_year(today: dt.date, month: int) -> int:
    """The year of the latest occurrence of `month` that has begun by today."""
    return today.year if month <= today.month else today.year - 1


def _count(word: str) -> int | None:
    if word.isdigit() and len(word) <= 4:
        return int(word)
    return _NUMBER_WORDS.get(word)


_DAY_FIRST = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)(?:,?\s+((?:19|20)\d\d))?\b"
)
_MONTH_FIRST = re.compile(r"\b([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+((?:19|20)\d\d))?")
_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d{2})-(\d{2})\b")


def parse_day(text: str, today: dt.date) -> dt.date | None:
    """One calendar day in `text` ("12 September", "September 12th 2026", "2026-09-12",
    "tomorrow"); a day without a year is its next occurrence from `today`. None if none."""
    folded = text.lower()
    iso = _ISO.search(folded)
    if iso:
        try:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            return None
    if re.search(r"\btomorrow\b", folded):
        return today + dt.timedelta(days=1)
    if re.search(r"\btoday\b|\btonight\b", folded):
        return today
    for pattern, day_at, month_at in ((_DAY_FIRST, 1, 2), (_MONTH_FIRST, 2, 1)):
        for found in pattern.finditer(folded):
            month = _month(found[month_at])
            if month is None:
                continue
            year = int(found[3]) if found[3] else today.year
            try:
                day = dt.date(year, month, int(found[day_at]))
                if not found[3] and day < today:
                    day = day.replace(year=year + 1)
            except ValueError:
                return None
            return day
    return None
