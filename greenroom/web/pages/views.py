"""The dashboard's pages. Each needs a signed-in browser (else: the sign-in page) and a
right (else: a 403 page naming the right and the role); data comes from
`greenroom.web.queries` with a governed reader bound to the caller's principal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from greenroom.governance.exceptions import PermissionDeniedError
from greenroom.governance.roles import ROLES, rights_of
from greenroom.web.auth import Caller, require_right
from greenroom.web.deps import StateDep
from greenroom.web.pages.render import render, to_signin

if TYPE_CHECKING:
    from greenroom.governance.roles import Right
    from greenroom.web.queries import AnalyticsFilter, FilterOptions
    from greenroom.web.state import WebState

router = APIRouter(include_in_schema=False)

FILTER_FIELDS = ("date_from", "date_to", "artist", "venue", "city", "country", "genre", "channel")
PAGE_SIZE = 50
HOME_BY_RIGHT: tuple[tuple[Right, str], ...] = (
    ("analytics", "/"),
    ("operations", "/health"),
    ("chat", "/chat"),
)
CHAT_EXAMPLES = (
    "What was the revenue last year?",
    "Top 5 artists by tickets sold this year",
    "Revenue by month in 2025",
)


def gate(request: Request, state: WebState, right: Right) -> Caller | Response:
    """The signed-in caller holding `right`; else the sign-in redirect or the 403 page."""
    caller = state.auth.optional_caller(request)
    if caller is None:
        return to_signin(request)
    try:
        require_right(caller, right)
    except PermissionDeniedError:
        rights = rights_of(caller.principal.roles)
        home = next((path for r, path in HOME_BY_RIGHT if r in rights), "/signin")
        return render(
            request,
            "forbidden.html",
            caller,
            403,
            title="Not allowed",
            right=right,
            role=caller.token.role,
            granting=sorted(role for role, granted in ROLES.items() if right in granted),
            home=home,
        )
    return caller


def read_filter(request: Request) -> tuple[AnalyticsFilter, dict[str, str], str | None]:
    """The filter in the URL, the raw values (to refill the form) and an error in words
    (an invalid filter counts everything and says why)."""
    from pydantic import ValidationError

    from greenroom.web.queries import AnalyticsFilter

    raw = {k: request.query_params.get(k, "").strip() for k in FILTER_FIELDS}
    given = {k: v for k, v in raw.items() if v}
    try:
        return AnalyticsFilter.model_validate(given), raw, None
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "filter"
        message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
        return AnalyticsFilter(), raw, f"The filter was not applied: {field}: {message}"


def filter_suggestions(options: FilterOptions | None) -> dict[str, list[str]]:
    if options is None:
        return {}
    return {
        "artist": options.artists,
        "venue": options.venues,
        "city": options.cities,
        "country": options.countries,
        "genre": options.genres,
        "channel": options.channels,
    }


def _offset(request: Request) -> int:
    value = request.query_params.get("offset", "0")
    return max(0, int(value)) if value.isdigit() else 0


def _page_url(request: Request) -> Any:
    params = {k: v for k, v in request.query_params.items() if k != "offset" and v}

    def url(offset: int) -> str:
        return f"{request.url.path}?{urlencode({**params, 'offset': offset})}"

    return url


def _analytics_page(request: Request, state: WebState, template: str, title: str) -> Response:
    from greenroom.web import queries
    from greenroom.web.pages import analytics

    gated = gate(request, state, "analytics")
    if not isinstance(gated, Caller):
        return gated
    f, raw, error = read_filter(request)
    today = state.settings.today
    with state.readers.reader(gated.principal) as reader:
        options = queries.filter_options(reader)
        if template == "overview.html":
            data = analytics.overview(reader, today, f)
        elif template == "venues.html":
            data = analytics.venues(reader, today, f, PAGE_SIZE, _offset(request))
        elif template == "artists.html":
            data = analytics.artists(reader, today, f, PAGE_SIZE, _offset(request))
        else:
            data = analytics.sales(reader, today, f)
    return render(
        request,
        template,
        gated,
        title=title,
        charts=True,
        f=raw,
        filtered=not f.is_empty,
        options=filter_suggestions(options),
        filter_error=error,
        page_url=_page_url(request),
        **data,
    )


@router.get("/")
def overview(request: Request, state: StateDep) -> Response:
    return _analytics_page(request, state, "overview.html", "Overview")


@router.get("/venues")
def venues(request: Request, state: StateDep) -> Response:
    return _analytics_page(request, state, "venues.html", "Venues")


@router.get("/artists")
def artists(request: Request, state: StateDep) -> Response:
    return _analytics_page(request, state, "artists.html", "Artists")


@router.get("/sales")
def sales(request: Request, state: StateDep) -> Response:
    return _analytics_page(request, state, "sales.html", "Sales")


@router.get("/health")
def health(request: Request, state: StateDep) -> Response:
    from greenroom.web.pages import operations

    gated = gate(request, state, "operations")
    if not isinstance(gated, Caller):
        return gated
    with state.readers.reader(gated.principal) as reader:
        data = operations.health(state.lake, reader)
    return render(request, "health.html", gated, title="Data health", charts=True, **data)


@router.get("/journey")
def journey(request: Request, state: StateDep) -> Response:
    from greenroom.web.pages import operations

    gated = gate(request, state, "operations")
    if not isinstance(gated, Caller):
        return gated
    q = request.query_params
    entity_type = q.get("entity_type", "artist")
    if entity_type not in ("artist", "venue"):
        entity_type = "artist"
    with state.readers.reader(gated.principal) as reader:
        data = operations.journey(
            state.lake,
            reader,
            sale_id=q.get("sale_id", "").strip()[:200] or None,
            entity_type=entity_type,
            entity_id=q.get("entity_id", "").strip()[:200] or None,
            column=q.get("column", "").strip()[:300] or "gold.artist_performance.revenue_generated",
        )
    return render(request, "journey.html", gated, title="Journey", charts=True, **data)


@router.get("/chat")
def chat(request: Request, state: StateDep) -> Response:
    gated = gate(request, state, "chat")
    if not isinstance(gated, Caller):
        return gated
    return render(request, "chat.html", gated, title="Chat", charts=True, examples=CHAT_EXAMPLES)


FORECAST_FIELDS = ("date_from", "date_to", "artist", "venue", "city", "country", "genre")
RECOMMEND_FIELDS = ("customer", "genre", "city", "artist", "budget")


def _forecast_filter(request: Request) -> tuple[Any, dict[str, str], str | None]:
    """The forecast filter in the URL (`low_confidence` is `true`, `false` or empty), the
    raw values and an error in words, as `read_filter`."""
    from pydantic import ValidationError

    from greenroom.web.queries import ForecastFilter

    raw = {
        k: request.query_params.get(k, "").strip()[:200]
        for k in (*FORECAST_FIELDS, "low_confidence")
    }
    given = {k: v for k, v in raw.items() if v}
    try:
        return ForecastFilter.model_validate(given), raw, None
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "filter"
        message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
        return ForecastFilter(), raw, f"The filter was not applied: {field}: {message}"


@router.get("/forecasts")
def forecasts(request: Request, state: StateDep) -> Response:
    from greenroom.errors import UserError
    from greenroom.web import queries
    from greenroom.web.pages import insights

    gated = gate(request, state, "analytics")
    if not isinstance(gated, Caller):
        return gated
    f, raw, error = _forecast_filter(request)
    data: dict[str, Any] = {}
    refused = None
    with state.readers.reader(gated.principal) as reader:
        options = queries.filter_options(reader)
        try:
            data = insights.forecasts(reader, f, PAGE_SIZE, _offset(request))
        except UserError as exc:  # a policy refusal or an unknown name: said on the page
            refused = str(exc)
    return render(
        request,
        "forecasts.html",
        gated,
        title="Forecasts",
        charts=True,
        f=raw,
        filtered=any(raw.values()),
        options=filter_suggestions(options),
        filter_error=error,
        refused=refused,
        page_url=_page_url(request),
        **data,
    )


@router.get("/recommendations")
def recommendations(request: Request, state: StateDep) -> Response:
    from greenroom.errors import UserError
    from greenroom.insights.recommend.model import UserPreferences
    from greenroom.web import queries
    from greenroom.web.pages import insights

    gated = gate(request, state, "analytics")
    if not isinstance(gated, Caller):
        return gated
    raw = {k: request.query_params.get(k, "").strip()[:200] for k in RECOMMEND_FIELDS}
    budget = None
    error = None
    if raw["budget"]:
        try:
            budget = float(raw["budget"])
        except ValueError:
            error = f"The budget `{raw['budget']}` is not a number of dollars; it was left out."
    prefs = UserPreferences(
        customer_id=raw["customer"] or None,
        genres=(raw["genre"].lower(),) if raw["genre"] else (),
        cities=(raw["city"],) if raw["city"] else (),
        liked_artists=(raw["artist"],) if raw["artist"] else (),
        budget=budget if budget and budget > 0 else None,
    )
    data: dict[str, Any] = {}
    with state.readers.reader(gated.principal) as reader:
        options = queries.filter_options(reader)
        if not prefs.is_empty():
            try:
                data = insights.recommendations(reader, state.lake, prefs)
            except UserError as exc:  # an unknown customer, a policy refusal
                error = str(exc)
    return render(
        request,
        "recommendations.html",
        gated,
        title="Recommendations",
        f=raw,
        asked=not prefs.is_empty(),
        options=filter_suggestions(options),
        error=error,
        **data,
    )
