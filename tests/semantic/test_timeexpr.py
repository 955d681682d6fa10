"""Periods in words, exactly as CONTRACT.md defines them (today = 2026-06-30)."""

from __future__ import annotations

import datetime as dt

import pytest

from greenroom.semantic.exceptions import SemanticError
from greenroom.semantic.timeexpr import describe, previous_period, resolve_relative, shift_year

TODAY = dt.date(2026, 6, 30)
D = dt.date


@pytest.mark.parametrize(
    ("phrase", "start", "end"),
    [
        ("this_year", D(2026, 1, 1), D(2027, 1, 1)),
        ("last_year", D(2025, 1, 1), D(2026, 1, 1)),
        ("year_to_date", D(2026, 1, 1), D(2026, 7, 1)),
        ("this_quarter", D(2026, 4, 1), D(2026, 7, 1)),
        ("last_quarter", D(2026, 1, 1), D(2026, 4, 1)),
        ("this_month", D(2026, 6, 1), D(2026, 7, 1)),
        ("last_month", D(2026, 5, 1), D(2026, 6, 1)),
        ("month_to_date", D(2026, 6, 1), D(2026, 7, 1)),
        ("last_90_days", D(2026, 4, 2), D(2026, 7, 1)),
        ("since_march", D(2026, 3, 1), D(2026, 7, 1)),
        ("since_september", D(2025, 9, 1), D(2026, 7, 1)),
        ("upcoming", D(2026, 7, 1), None),
    ],
)
def test_relative_periods(phrase: str, start: dt.date, end: dt.date | None) -> None:
    assert resolve_relative(phrase, TODAY) == (start, end)


def test_last_quarter_in_the_first_quarter_steps_into_the_previous_year() -> None:
    assert resolve_relative("last_quarter", D(2026, 2, 10)) == (D(2025, 10, 1), D(2026, 1, 1))


def test_unknown_phrase_names_the_ones_that_exist() -> None:
    with pytest.raises(SemanticError, match="last_year"):
        resolve_relative("fortnight", TODAY)


def test_previous_period_steps_back_by_whole_calendar_units() -> None:
    assert previous_period(D(2025, 1, 1), D(2026, 1, 1)) == (D(2024, 1, 1), D(2025, 1, 1))
    assert previous_period(D(2025, 7, 1), D(2025, 10, 1)) == (D(2025, 4, 1), D(2025, 7, 1))
    assert previous_period(D(2026, 4, 2), D(2026, 7, 1)) == (D(2026, 1, 2), D(2026, 4, 2))


def test_same_period_last_year_and_leap_days() -> None:
    assert shift_year(D(2024, 2, 29), D(2024, 3, 1)) == (D(2023, 2, 28), D(2023, 3, 1))


def test_periods_in_words() -> None:
    assert describe(D(2024, 1, 1), D(2025, 1, 1)) == "2024"
    assert describe(D(2025, 7, 1), D(2025, 10, 1)) == "Q3 2025"
    assert describe(D(2025, 3, 1), D(2025, 4, 1)) == "March 2025"
    assert describe(D(2026, 4, 2), D(2026, 7, 1)) == "2 Apr 2026 – 30 Jun 2026"
    assert describe(D(2026, 7, 1), None) == "from 1 Jul 2026"
