"""Errors of the trends engine: bad input names the valid choices."""

from __future__ import annotations

from collections.abc import Sequence

from greenroom.errors import UserError


class TrendsError(UserError):
    """A trends request that cannot be answered as asked."""

    code = "trends_invalid_request"


class UnknownMetricError(TrendsError):
    """The metric is not one the trends engine analyses."""

    code = "trends_unknown_metric"

    def __init__(self, metric: str, valid: Sequence[str]) -> None:
        self.metric = metric
        self.valid = list(valid)
        super().__init__(
            f"Unknown metric `{metric}`; choose one of: {', '.join(f'`{v}`' for v in valid)}."
        )


class FuturePeriodError(TrendsError):
    """The whole period lies after today: no sale in it has happened yet."""

    code = "trends_future_period"

    def __init__(self, period: str, today: str) -> None:
        self.period = period
        self.today = today
        super().__init__(
            f"the period `{period}` starts after today ({today}): nothing has sold in it yet; "
            "choose a period that has begun, e.g. `last_12_months` or `year_to_date`"
        )


class UnknownPeriodError(TrendsError):
    """The time period is neither a named period nor a pair of dates."""

    code = "trends_unknown_period"

    def __init__(self, period: str, valid: Sequence[str]) -> None:
        self.period = period
        self.valid = list(valid)
        super().__init__(
            f"Unknown time period `{period}`; use one of: {', '.join(valid)}, "
            "or a (start, end) pair of dates."
        )
