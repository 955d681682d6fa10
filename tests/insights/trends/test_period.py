"""Named periods, explicit dates, the year-earlier comparison and bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from greenroom.errors import UserError
from greenroom.insights.trends import UnknownMetricError, UnknownPeriodError, resolve_period
from greenroom.insights.trends.analysis import check_metrics, effective_period

TODAY = dt.date(2026, 6, 30)
D = dt.date


@pytest.mark.parametrize(
    ("spec", "start", "end"),
    [
        ("last_12_months", D(2025, 7, 1), D(2026, 7, 1)),
        ("2025", D(2025, 1, 1), D(2026, 1, 1)),
        ("2025-Q3", D(2025, 7, 1), D(2025, 10, 1)),
        ("2025-q4", D(2025, 10, 1), D(2026, 1, 1)),
        ("2025-02", D(2025, 2, 1), D(2025, 3, 1)),
        ("last_90_days", D(2026, 4, 2), D(2026, 7, 1)),
        ("2025-03-01..2025-04-01", D(2025, 3, 1), D(2025, 4, 1)),
        ((D(2024, 2, 29), D(2024, 3, 10)), D(2024, 2, 29), D(2024, 3, 10)),
    ],
)
def test_periods_resolve_to_half_open_ranges(spec: object, start: dt.date, end: dt.date) -> None:
    p = resolve_period(spec, TODAY)  # type: ignore[arg-type]
    assert (p.start, p.end) == (start, end)
    assert p.previous.start.year == start.year - 1


def test_the_comparison_is_the_same_dates_one_year_earlier() -> None:
    prev = resolve_period("2025-Q3", TODAY).previous
    assert (prev.start, prev.end) == (D(2024, 7, 1), D(2024, 10, 1))
    assert resolve_period((D(2024, 2, 29), D(2024, 3, 1)), TODAY).previous.start == D(2023, 2, 28)


def test_a_period_running_past_today_is_cut_at_today() -> None:
    p = effective_period("2026", TODAY)
    assert (p.start, p.end) == (D(2026, 1, 1), D(2026, 7, 1))
    assert p.label == "2026 to date"


def test_unknown_period_names_the_valid_ones() -> None:
    with pytest.raises(UnknownPeriodError) as err:
        resolve_period("fortnight", TODAY)
    assert isinstance(err.value, UserError)
    assert err.value.code == "trends_unknown_period"
    assert "last_12_months" in str(err.value) and "YYYY-Qn" in str(err.value)
    with pytest.raises(UnknownPeriodError):
        resolve_period((D(2025, 2, 1), D(2025, 1, 1)), TODAY)


def test_unknown_metric_names_the_valid_ones() -> None:
    with pytest.raises(UnknownMetricError) as err:
        check_metrics(["revenue", "profit"])
    assert err.value.code == "trends_unknown_metric"
    assert err.value.error_payload()["data"]["valid"] == ["revenue", "tickets", "concerts"]
    assert "`profit`" in str(err.value) and "`tickets`" in str(err.value)


def test_a_period_wholly_after_today_is_an_error() -> None:
    from greenroom.insights.trends import TrendsError
    from greenroom.insights.trends.analysis import effective_period

    with pytest.raises(TrendsError) as err:
        effective_period("2099", TODAY)
    assert err.value.code == "trends_future_period" and "last_12_months" in str(err.value)
    assert effective_period("2026", TODAY).label == "2026 to date"
