"""The dashboard's filters and pagination, and how they reach the semantic layer and SQL.

`AnalyticsFilter` is what every analytics view takes: a date range over the concert's
`event_date` (inclusive on both ends, as people pick dates) and one value per dimension.
It becomes the semantic layer's `Filter`s and `TimeRange` (`semantic_filters`,
`time_range`) or, where a view needs SQL the layer cannot express, conditions over the
layer's own aliases `s`, `c`, `v`, `a` built from the same dimension expressions
(`sql_conditions`): genre is membership (`list_contains(a.genres, …)`) either way.

An unknown filter value is not an error, it matches nothing, even for a dimension with a
closed list of values (channel), where the layer itself would refuse the value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from greenroom.semantic import Filter, TimeRange, get_catalog
from greenroom.semantic.query import IsoDate

T = TypeVar("T")

DIMENSIONS = ("artist", "venue", "city", "country", "genre", "channel")
"""The filter fields, named as the semantic layer's dimensions."""

_NOTHING = Filter(dimension="year", values=(0,))
"""A layer filter no concert passes: stands in for a value outside a closed list."""


class AnalyticsFilter(BaseModel):
    """Which concerts and sales a dashboard view counts. Every field is optional."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    date_from: IsoDate | None = Field(
        default=None,
        description="First concert date counted (the concert's `event_date`, inclusive).",
    )
    date_to: IsoDate | None = Field(
        default=None,
        description="Last concert date counted (the concert's `event_date`, inclusive).",
    )
    artist: str | None = Field(default=None, max_length=200, description="Artist name, exact.")
    venue: str | None = Field(default=None, max_length=200, description="Venue name, exact.")
    city: str | None = Field(default=None, max_length=200, description="Venue city, exact.")
    country: str | None = Field(
        default=None, max_length=200, description="Venue country, ISO 3166-1 alpha-2 (e.g. `DE`)."
    )
    genre: str | None = Field(
        default=None,
        max_length=200,
        description="A genre the artist plays (membership in the artist's genres, lower case).",
    )
    channel: str | None = Field(
        default=None,
        max_length=200,
        description="Sales channel: `box_office`, `online` or `stream`.",
    )

    @field_validator(*DIMENSIONS)
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None  # an empty form field means "no filter"

    @model_validator(mode="after")
    def _ordered_dates(self) -> AnalyticsFilter:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(
                f"`date_from` ({self.date_from}) is after `date_to` ({self.date_to}); "
                "swap them or leave one empty"
            )
        return self

    @property
    def is_empty(self) -> bool:
        """True when nothing is filtered (every field unset)."""
        return all(value is None for value in self.model_dump().values())

    def values(self) -> dict[str, str]:
        """The dimension filters that are set, by dimension name."""
        return {d: v for d in DIMENSIONS if (v := getattr(self, d)) is not None}


class Pagination(BaseModel):
    """Which slice of a long list to return."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    limit: int = Field(default=50, ge=1, le=500, description="Rows per page (1–500).")
    offset: int = Field(
        default=0, ge=0, le=1_000_000_000, description="Rows to skip before the page."
    )


class Page(BaseModel, Generic[T]):
    """One page of a list, with the size of the whole list."""

    items: list[T] = Field(description="The rows of this page.")
    total: int = Field(description="Rows in the whole list, over all pages.")
    limit: int = Field(description="Rows per page, as asked.")
    offset: int = Field(description="Rows skipped before this page, as asked.")


def semantic_filters(f: AnalyticsFilter) -> tuple[Filter, ...]:
    """The filter's dimension values as the semantic layer's filters (dates excluded)."""
    catalog = get_catalog()
    out: list[Filter] = []
    for name, value in f.values().items():
        dim = catalog.dimension(name)
        if dim.values and value.lower() not in dim.values:
            out.append(_NOTHING)
        else:
            out.append(Filter(dimension=name, values=(value,)))
    return tuple(out)


def time_range(f: AnalyticsFilter) -> TimeRange | None:
    """The filter's dates as the layer's `[start, end)` range, or None for all time."""
    if f.date_from is None and f.date_to is None:
        return None
    end = f.date_to + dt.timedelta(days=1) if f.date_to else None
    return TimeRange(start=f.date_from, end=end)


def sql_conditions(f: AnalyticsFilter, params: list[object]) -> list[str]:
    """SQL conditions over the aliases `s`, `c`, `v`, `a` (the semantic layer's `sales`
    grain), from the layer's own dimension expressions. Values are appended to `params`
    and referenced as `$n`."""
    catalog = get_catalog()
    conditions: list[str] = []
    for name, value in f.values().items():
        dim = catalog.dimension(name)
        if dim.values:  # a closed list: the layer compares lower case
            if value.lower() not in dim.values:
                conditions.append("FALSE")
                continue
            value = value.lower()
        ref = add_param(params, value)
        conditions.append(
            dim.filter.format(value=ref) if dim.filter is not None else f"{dim.expr} = {ref}"
        )
    span = time_range(f)
    if span is not None and span.start is not None:
        ref = add_param(params, span.start.isoformat())
        conditions.append(f"c.event_date >= CAST({ref} AS TIMESTAMPTZ)")
    if span is not None and span.end is not None:
        ref = add_param(params, span.end.isoformat())
        conditions.append(f"c.event_date < CAST({ref} AS TIMESTAMPTZ)")
    return conditions


def add_param(params: list[object], value: object) -> str:
    """Append `value` to `params`; its `$n` reference."""
    params.append(value)
    return f"${len(params)}"


def paged_sql(rows_sql: str, order_by: str, params: list[object], page: Pagination) -> str:
    """One page of `rows_sql` in `order_by` order, every row carrying `_total` (the size of
    the whole list) and `_present`. A page past the end is one row with `_present` NULL,
    so the total is known even then (`page_rows` drops it)."""
    limit = add_param(params, page.limit)
    offset = add_param(params, page.offset)
    return (
        f"WITH _rows AS ({rows_sql}) "
        "SELECT _n._total, _p.* FROM (SELECT count(*) AS _total FROM _rows) AS _n "
        f"LEFT JOIN (SELECT *, TRUE AS _present FROM _rows ORDER BY {order_by} "
        f"LIMIT {limit} OFFSET {offset}) AS _p ON TRUE ORDER BY {order_by}"
    )


def page_rows(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The rows of a `paged_sql` result (without `_total`, `_present`) and the total."""
    total = int(rows[0]["_total"]) if rows else 0
    items = [
        {k: v for k, v in row.items() if k not in ("_total", "_present")}
        for row in rows
        if row["_present"]
    ]
    return items, total
