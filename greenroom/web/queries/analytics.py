"""The dashboard's and the REST API's numbers, through the semantic layer.

Every metric is the semantic layer's (CONTRACT.md): sales of cancelled concerts are
excluded, and the date filter applies to the concert's `event_date`. Direct SQL is used
only where the layer has no dimension for it: the day a ticket was bought
(`sales_by_day`) and one concert (`concert_detail`); it uses the layer's own joins and
filter expressions, and the tests check that its totals equal the layer's.

Attendance rate is a concert-level measure (attendance is not split by channel): under a
channel filter it is null rather than an error.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from greenroom.semantic import Order, SemanticError, SemanticLayer, SemanticQuery, TimeRange
from greenroom.semantic.timeexpr import previous_period, resolve_relative
from greenroom.web.queries.exceptions import ConcertNotFoundError, PeriodConflictError
from greenroom.web.queries.filters import (
    AnalyticsFilter,
    Page,
    Pagination,
    page_rows,
    paged_sql,
    semantic_filters,
    sql_conditions,
    time_range,
)
from greenroom.web.queries.records import (
    ArtistRow,
    Breakdown,
    BreakdownBy,
    BreakdownRow,
    ConcertDetail,
    DayRow,
    FilterOptions,
    Kpi,
    KpiName,
    MonthPoint,
    Overview,
    PeriodSpan,
    SalesDay,
    TopItem,
    VenueRow,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from greenroom.lake.reader import Reader

KPIS: tuple[KpiName, ...] = (
    "revenue",
    "tickets_sold",
    "concerts",
    "avg_ticket_price",
    "attendance_rate",
)
_DAY = dt.timedelta(days=1)
_SALES = (
    "FROM silver.ticket_sales s JOIN silver.concerts c ON s.concert_id = c.concert_id "
    "JOIN silver.venues v ON c.venue_id = v.venue_id "
    "JOIN silver.artists a ON c.artist_id = a.artist_id"
)
"""The semantic layer's `sales` grain with every join (see model.yaml)."""


def overview(
    reader: Reader,
    today: dt.date,
    f: AnalyticsFilter | None = None,
    period: str | None = None,
) -> Overview:
    """KPIs for the period against the previous period of the same length, revenue per
    month, and the top 5 artists and venues by revenue.

    The period is `f.date_from`..`f.date_to` (a missing `date_to` is today, a missing
    `date_from` twelve months before it), or `period`, a relative phrase of the semantic
    layer (`this_year`, `last_quarter`, `last_90_days`, …) — not both. Without either: the
    12 months up to today. The previous period is `previous_period`'s (whole months step
    back by months).
    """
    f = f or AnalyticsFilter()
    start, end = _period(today, f, period)
    before = previous_period(start, end)
    assert before[0] is not None and before[1] is not None
    layer = SemanticLayer(reader, today)
    filters = semantic_filters(f)
    now_span = TimeRange(start=start, end=end)
    metrics = _available(KPIS, f)
    now = _first_row(layer, SemanticQuery(metrics=metrics, filters=filters, time=now_span))
    earlier = _first_row(
        layer,
        SemanticQuery(
            metrics=metrics, filters=filters, time=TimeRange(start=before[0], end=before[1])
        ),
    )
    kpis = [_kpi(m, now.get(m), earlier.get(m)) for m in KPIS]
    months = _rows(
        layer,
        SemanticQuery(
            metrics=("revenue", "tickets_sold"),
            dimensions=("year", "month"),
            filters=filters,
            time=now_span,
        ),
    )
    return Overview(
        period=PeriodSpan(
            start=start, end=end - _DAY, previous_start=before[0], previous_end=before[1] - _DAY
        ),
        kpis=kpis,
        revenue_by_month=[
            MonthPoint(
                month=dt.date(r["year"], r["month"], 1),
                revenue=r["revenue"],
                tickets_sold=r["tickets_sold"],
            )
            for r in months
        ],
        top_artists=_top(layer, "artist", filters, now_span),
        top_venues=_top(layer, "venue", filters, now_span),
    )


def venue_popularity(
    reader: Reader,
    today: dt.date,
    f: AnalyticsFilter | None = None,
    page: Pagination | None = None,
) -> Page[VenueRow]:
    """Venues with their metrics under `f`, most popular first.

    Without any filter, `popularity_rank` is gold.venue_popularity's rank (all time) and
    the list is in that order; with any filter (dates included) it is the rank by revenue
    within the filter (ties share a rank). Venues without a concert under `f` are absent.
    """
    f = f or AnalyticsFilter()
    page = page or Pagination()
    metrics = _available(
        ("concerts", "tickets_sold", "revenue", "attendance_rate", "average_attendance"), f
    )
    table = _layer_table(reader, today, f, metrics, ("venue", "city", "country", "venue_type"))
    name = _register(reader, "venues", table)
    rank = (
        "vp.popularity_rank" if f.is_empty else "rank() OVER (ORDER BY m.revenue DESC NULLS LAST)"
    )
    rows_sql = (
        f"SELECT m.*, v.capacity, {rank} AS popularity_rank FROM {name} m "
        "LEFT JOIN silver.venues v ON v.name = m.venue AND v.city = m.city "
        "AND v.country = m.country "
        "LEFT JOIN gold.venue_popularity vp ON vp.venue_id = v.venue_id"
    )
    return _page(reader, VenueRow, rows_sql, "popularity_rank NULLS LAST, venue, city", [], page)


def artist_performance(
    reader: Reader,
    today: dt.date,
    f: AnalyticsFilter | None = None,
    page: Pagination | None = None,
) -> Page[ArtistRow]:
    """Artists with their metrics under `f`, most revenue first; `growth_trend` is
    gold.artist_performance's (all time, whatever the filter)."""
    f = f or AnalyticsFilter()
    page = page or Pagination()
    metrics = _available(
        ("concerts", "tickets_sold", "revenue", "avg_ticket_price", "attendance_rate"), f
    )
    table = _layer_table(reader, today, f, metrics, ("artist", "genre"))
    name = _register(reader, "artists", table)
    rows_sql = (
        f"SELECT m.*, ap.growth_trend FROM {name} m "
        "LEFT JOIN silver.artists a ON a.name = m.artist AND a.primary_genre = m.genre "
        "LEFT JOIN gold.artist_performance ap ON ap.artist_id = a.artist_id"
    )
    return _page(reader, ArtistRow, rows_sql, "revenue DESC NULLS LAST, artist", [], page)


def sales_by_day(
    reader: Reader,
    today: dt.date,
    f: AnalyticsFilter | None = None,
    page: Pagination | None = None,
) -> Page[DayRow]:
    """Tickets, revenue and orders per **sale date**, oldest first.

    The sale date is the UTC date of `silver.ticket_sales.purchase_timestamp` (the day the
    tickets were bought). It is not `gold.sales_daily.event_date`, which is the concert's
    date. The filters apply as everywhere else (dates to the concert's `event_date`);
    sales of cancelled concerts are excluded. `today` is accepted for symmetry with the
    other views (the filter's dates are absolute).
    """
    del today
    f = f or AnalyticsFilter()
    page = page or Pagination()
    params: list[object] = []
    where = " AND ".join(["c.status <> 'cancelled'", *sql_conditions(f, params)])
    rows_sql = (
        "SELECT CAST(s.purchase_timestamp AS DATE) AS day, SUM(s.quantity) AS tickets_sold, "
        f"SUM(s.quantity * s.unit_price) AS revenue, count(*) AS orders {_SALES} "
        f"WHERE {where} GROUP BY 1"
    )
    return _page(reader, DayRow, rows_sql, "day", params, page)


def breakdown(
    reader: Reader,
    today: dt.date,
    f: AnalyticsFilter | None = None,
    by: BreakdownBy = "channel",
) -> Breakdown:
    """Revenue, tickets sold and average ticket price by channel, price tier or weekday
    (the weekday of the concert's `event_date`, as the layer defines it)."""
    f = f or AnalyticsFilter()
    rows = _rows(
        SemanticLayer(reader, today),
        SemanticQuery(
            metrics=("revenue", "tickets_sold", "avg_ticket_price"),
            dimensions=(by,),
            filters=semantic_filters(f),
            time=time_range(f),
        ),
    )
    return Breakdown(
        by=by,
        rows=[
            BreakdownRow(
                value=str(r[by]),
                revenue=r["revenue"],
                tickets_sold=r["tickets_sold"],
                avg_ticket_price=r["avg_ticket_price"],
            )
            for r in rows
        ],
    )


def concert_detail(reader: Reader, concert_id: str) -> ConcertDetail:
    """One concert and its sales curve (cumulative tickets and revenue per sale day).

    Tickets sold and revenue are all the concert's sales, whatever its status (the
    metrics' "cancelled excluded" is about totals over many concerts). Raises
    `ConcertNotFoundError` (`concert_not_found`) for an unknown id.
    """
    found = reader.sql(
        "WITH sold AS (SELECT COALESCE(SUM(quantity), 0) AS tickets_sold, "
        "COALESCE(SUM(quantity * unit_price), 0.0) AS revenue "
        "FROM silver.ticket_sales WHERE concert_id = $1) "
        "SELECT c.concert_id, a.name AS artist, v.name AS venue, v.city, v.country, "
        "CAST(c.event_date AS DATE) AS event_date, c.status, v.capacity, "
        "sold.tickets_sold, sold.revenue, "
        "CASE WHEN c.status = 'completed' THEN c.total_attendance / v.capacity END "
        "AS attendance_rate "
        "FROM silver.concerts c JOIN silver.venues v ON c.venue_id = v.venue_id "
        "JOIN silver.artists a ON c.artist_id = a.artist_id CROSS JOIN sold "
        "WHERE c.concert_id = $1",
        [concert_id],
    ).to_pylist()
    if not found:
        raise ConcertNotFoundError(concert_id)
    curve = reader.sql(
        "SELECT CAST(s.purchase_timestamp AS DATE) AS day, "
        "date_diff('day', CAST(s.purchase_timestamp AS DATE), CAST(c.event_date AS DATE)) "
        "AS days_before, SUM(s.quantity) AS tickets_sold, "
        "SUM(s.quantity * s.unit_price) AS revenue, "
        "SUM(SUM(s.quantity)) OVER (ORDER BY CAST(s.purchase_timestamp AS DATE)) "
        "AS cumulative_tickets, "
        "SUM(SUM(s.quantity * s.unit_price)) OVER (ORDER BY CAST(s.purchase_timestamp AS DATE)) "
        "AS cumulative_revenue "
        "FROM silver.ticket_sales s JOIN silver.concerts c ON s.concert_id = c.concert_id "
        "WHERE s.concert_id = $1 GROUP BY 1, 2 ORDER BY 1",
        [concert_id],
    ).to_pylist()
    return ConcertDetail.model_validate(
        found[0] | {"sales_curve": [SalesDay.model_validate(r) for r in curve]}
    )


def filter_options(reader: Reader) -> FilterOptions:
    """Distinct values for the filter dropdowns, from the semantic layer's own lookups
    (genres are every genre an artist plays: the genre filter is membership)."""
    from greenroom.semantic import get_catalog

    catalog = get_catalog()

    def lookup(name: str) -> list[str]:
        sql = catalog.dimension(name).lookup
        assert sql is not None, name
        values = reader.sql(f"SELECT * FROM ({sql}) AS t(value) ORDER BY 1").column(0)
        return [str(v) for v in values.to_pylist() if v is not None]

    return FilterOptions(
        genres=lookup("genre"),
        countries=lookup("country"),
        cities=lookup("city"),
        channels=list(catalog.dimension("channel").values),
        artists=lookup("artist"),
        venues=lookup("venue"),
    )


# ---- helpers ------------------------------------------------------------------------------


def _period(today: dt.date, f: AnalyticsFilter, period: str | None) -> tuple[dt.date, dt.date]:
    """The overview's `[start, end)`."""
    if period is not None:
        if f.date_from or f.date_to:
            raise PeriodConflictError(
                f"give either `period` (`{period}`) or `date_from`/`date_to`, not both"
            )
        start, end = resolve_relative(period, today)
        if start is None or end is None:
            raise SemanticError(
                f"period `{period}` is open-ended; the overview compares it with the period "
                "before, so give a bounded one such as `this_year` or `last_90_days`"
            )
        return start, end
    last = f.date_to or max(today, f.date_from or today)
    first = f.date_from or _year_before(last) + _DAY
    return first, last + _DAY


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _available(metrics: tuple[str, ...], f: AnalyticsFilter) -> tuple[str, ...]:
    """`metrics` without attendance rate under a channel filter (it is per concert)."""
    return tuple(m for m in metrics if not (f.channel and m == "attendance_rate"))


def _rows(layer: SemanticLayer, query: SemanticQuery) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = layer.run(query).table.to_pylist()
    return rows


def _first_row(layer: SemanticLayer, query: SemanticQuery) -> dict[str, Any]:
    rows = _rows(layer, query)
    return rows[0] if rows else {}


def _kpi(metric: KpiName, value: Any, previous: Any) -> Kpi:
    now = None if value is None else float(value)
    before = None if previous is None else float(previous)
    change = (now - before) / before if now is not None and before else None
    return Kpi(metric=metric, value=now, previous=before, change=change)


def _top(
    layer: SemanticLayer, dimension: str, filters: tuple[Any, ...], span: TimeRange
) -> list[TopItem]:
    rows = _rows(
        layer,
        SemanticQuery(
            metrics=("revenue", "tickets_sold"),
            dimensions=(dimension,),
            filters=filters,
            time=span,
            order=(Order(by="revenue", descending=True),),
            limit=5,
        ),
    )
    return [
        TopItem(name=r[dimension], revenue=r["revenue"], tickets_sold=r["tickets_sold"])
        for r in rows
    ]


def _layer_table(
    reader: Reader,
    today: dt.date,
    f: AnalyticsFilter,
    metrics: tuple[str, ...],
    dimensions: tuple[str, ...],
) -> pa.Table:
    query = SemanticQuery(
        metrics=metrics, dimensions=dimensions, filters=semantic_filters(f), time=time_range(f)
    )
    return SemanticLayer(reader, today).run(query).table


def _register(reader: Reader, what: str, table: pa.Table) -> str:
    """Register `table` under a fresh name (a reader may serve concurrent views)."""
    name = f"_web_{what}_{uuid.uuid4().hex}"
    reader.register(name, table)
    return name


R = TypeVar("R", bound=BaseModel)


def _page(
    reader: Reader,
    model: type[R],
    rows_sql: str,
    order_by: str,
    params: list[object],
    page: Pagination,
) -> Page[R]:
    """One page of `rows_sql` as `model`s, with the size of the whole list (a metric the
    filter makes inapplicable, such as attendance by channel, comes back null)."""
    sql = paged_sql(rows_sql, order_by, params, page)
    items, total = page_rows(reader.sql(sql, params).to_pylist())
    optional = {"attendance_rate": None} if "attendance_rate" in model.model_fields else {}
    return Page[R](
        items=[model.model_validate(optional | r) for r in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
