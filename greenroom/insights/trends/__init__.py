"""Trends: growth with significance, seasonality, change points, anomalies and insights.

`analyze_trends(reader, time_period, metrics)` compares a period with the same dates one
year earlier; `trend_growth` and `trend_anomalies` return the same figures as Arrow tables
a gold model can materialise. See docs/insights-trends.md.
"""

from greenroom.insights.trends.analysis import (
    ANOMALY_SCHEMA,
    GROWTH_SCHEMA,
    TrendAnalysis,
    analyze_trends,
    trend_anomalies,
    trend_growth,
)
from greenroom.insights.trends.daily import ChangePoint
from greenroom.insights.trends.exceptions import TrendsError, UnknownMetricError, UnknownPeriodError
from greenroom.insights.trends.period import NAMED_PERIODS, Period, resolve_period
from greenroom.insights.trends.sql import DIMENSIONS, METRICS

__all__ = [
    "ANOMALY_SCHEMA",
    "DIMENSIONS",
    "GROWTH_SCHEMA",
    "METRICS",
    "NAMED_PERIODS",
    "ChangePoint",
    "Period",
    "TrendAnalysis",
    "TrendsError",
    "UnknownMetricError",
    "UnknownPeriodError",
    "analyze_trends",
    "resolve_period",
    "trend_anomalies",
    "trend_growth",
]
