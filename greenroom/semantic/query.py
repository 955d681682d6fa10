"""The typed semantic query: what to measure, by what, for which rows and period.

Planners (offline or model-backed) produce a `SemanticQuery`; the compiler turns it into
SQL. It is JSON-serialisable (its JSON schema is what a model is asked to fill) and every
value in it reaches SQL only as a bound parameter.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

Op = Literal["eq", "in", "ne", "not_in", "gte", "lte", "between"]

_ISO_DATE = "^(19|2[01])[0-9]{2}-[0-9]{2}-[0-9]{2}$"
_FIRST, _LAST = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def _iso_date_only(value: object) -> object:
    """Dates as `YYYY-MM-DD` (or `date` objects) from 1900 to 2199 only: pydantic would
    otherwise read `0` or `"0"` as a Unix timestamp (1970-01-01) and answer a question
    nobody asked, and a year like 1013 has no previous period to compare with."""
    if isinstance(value, dt.datetime):
        raise ValueError("a date (YYYY-MM-DD) without a time")
    if isinstance(value, str) and re.match(_ISO_DATE, value):
        return value
    if isinstance(value, dt.date) and _FIRST <= value <= _LAST:
        return value
    raise ValueError("a date written YYYY-MM-DD, between 1900 and 2199")


IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date_only),
    WithJsonSchema({"type": "string", "format": "date", "pattern": _ISO_DATE}),
]
"""A calendar date given as `YYYY-MM-DD` (1900–2199), wherever a request carries one."""


class Filter(BaseModel):
    """`dimension op values`: equality, membership, exclusion or a range."""

    model_config = ConfigDict(frozen=True)

    dimension: str
    op: Op = "eq"
    values: tuple[str | int | float, ...] = Field(min_length=1)


class TimeRange(BaseModel):
    """A period of `event_date`: `start` inclusive, `end` exclusive, or a relative phrase.

    `relative` is one of the phrases of CONTRACT.md, resolved against "today" at compile
    time: `this_year`, `last_year`, `this_quarter`, `last_quarter`, `this_month`,
    `last_month`, `year_to_date`, `quarter_to_date`, `month_to_date`, `last_<N>_days`,
    `since_<month>` (e.g. `since_march`), `upcoming`.
    """

    model_config = ConfigDict(frozen=True)

    start: IsoDate | None = None
    end: IsoDate | None = None
    relative: str | None = None
    label: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> TimeRange:
        if self.relative is None and self.start is None and self.end is None:
            raise ValueError("a time range needs `start`/`end` or `relative`")
        if self.start and self.end and self.end <= self.start:
            raise ValueError("a time range must end after it starts")
        return self


class Order(BaseModel):
    model_config = ConfigDict(frozen=True)

    by: str
    """A metric or a dimension of the query."""
    descending: bool = True


class Comparison(BaseModel):
    """Compare the period with the one before it or the same period a year earlier."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["previous_period", "year_ago"] = "previous_period"


class SemanticQuery(BaseModel):
    """Metrics, grouped by dimensions, under filters and a period."""

    model_config = ConfigDict(frozen=True)

    metrics: tuple[str, ...] = Field(min_length=1)
    dimensions: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()
    time: TimeRange | None = None
    order: tuple[Order, ...] = ()
    limit: int | None = Field(default=None, ge=1, le=1000)
    compare: Comparison | None = None
    share: bool = False
    """Add each row's share of the total of the first metric (part / whole)."""

    def with_changes(self, **changes: object) -> SemanticQuery:
        """A copy with fields replaced, validated again."""
        return SemanticQuery.model_validate({**self.model_dump(), **changes})
