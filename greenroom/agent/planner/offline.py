"""The offline planner: deterministic, no model files. Words → a `Plan`.

A plan is a semantic query to run, a clarification with the options (each option a
complete query, so a reply of "2" or "revenue" resolves it), a refusal, a request to
explain a change ("why?"), or a standing preference ("I only care about Germany").
Follow-ups are read against the previous turn's query: a new period, name, breakdown,
filter or chart replaces or extends the one before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Literal

from greenroom.agent.planner import guard
from greenroom.agent.planner import vocabulary as vocab
from greenroom.agent.planner.insights import InsightCall, detect
from greenroom.agent.planner.lexicon import Entry, Lexicon, Mention
from greenroom.agent.planner.parse import ChartType, Signals, parse
from greenroom.agent.planner.text import Tokens
from greenroom.semantic.catalog import get_catalog
from greenroom.semantic.compiler import period_of
from greenroom.semantic.query import Comparison, Filter, Order, SemanticQuery, TimeRange
from greenroom.semantic.timeexpr import shift_year

PlanKind = Literal["query", "clarification", "refusal", "why", "preference", "insight"]
_LOCATION = {"venue", "city", "country", "venue_type"}
_WHO = {"artist", "genre", "growth_trend"}
_PREFERENCE = (
    "i only care about",
    "i care only about",
    "i m only interested in",
    "im only interested in",
    "i am only interested in",
    "from now on",
    "only show me",
    "always show",
    "remember that",
    "my focus is",
)
_FORGET = (
    "forget my preferences",
    "forget my preference",
    "reset my preferences",
    "clear my preferences",
    "i care about everything",
    "forget that preference",
)


@dataclass(frozen=True)
class Choice:
    label: str
    query: SemanticQuery


@dataclass(frozen=True)
class Plan:
    kind: PlanKind
    query: SemanticQuery | None = None
    message: str | None = None
    choices: tuple[Choice, ...] = ()
    suggestions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    """What the planner read that a person should see (a typo corrected, a preference)."""
    chart: ChartType | None = None
    focus: Filter | None = None
    """The part of a share ("what share of revenue came from Germany"): the first metric
    under this filter, over the same without it (`SemanticLayer.share_of`)."""
    preferences: tuple[Filter, ...] | None = None
    insight: InsightCall | None = None
    """A question for an insights model (forecast, recommendation, trends): its tool call."""


@dataclass(frozen=True)
class Context:
    """What the planner knows from earlier turns and the actor's long-term memory."""

    previous: SemanticQuery | None = None
    focus: Filter | None = None
    """The part of the previous answer's share ("online" in "share of online sales")."""
    top: tuple[Filter, ...] = ()
    """The one row a ranking answered ("the most popular venue" → venue = X): what "it"
    refers to in the next question."""
    pending: tuple[Choice, ...] = ()
    preferences: tuple[Filter, ...] = field(default=())


def plan(message: str, lexicon: Lexicon, today: dt.date, context: Context | None = None) -> Plan:
    ctx = context or Context()
    verdict = guard.check(message)
    if verdict is not None:
        return Plan(verdict.kind, message=verdict.message, suggestions=_STARTERS)
    if ctx.pending:
        chosen = _pick(message, ctx.pending)
        if chosen is not None:
            return Plan("query", query=chosen.query)
    insight = detect(message, lexicon, today)
    if insight is not None:
        return Plan("insight", insight=insight)
    sig = parse(message, lexicon, today)
    tokens = sig.tokens
    if tokens.has(*_FORGET):
        return Plan("preference", preferences=(), message="Done: I forgot your preferences.")
    if tokens.has(*_PREFERENCE) and sig.mentions:
        filters = tuple(_filters(sig, sig.mentions)[0])
        return Plan("preference", preferences=filters)
    if sig.why and ctx.previous is not None:
        return Plan("why", query=ctx.previous)
    own_measure = (sig.metrics and not sig.weak_metric) or sig.counted
    narrowing = sig.negated or sig.tokens.has("only", "just", "instead")
    followup = (
        ctx.previous is not None
        and (sig.followup_cue or narrowing or not own_measure)
        and not sig.empty
    )
    if sig.empty:
        return _nothing_found(tokens)
    try:
        previous = ctx.previous
        if previous is not None and sig.refers and ctx.top and not sig.mentions:
            # "how much revenue has it made?" after "the most popular venue": that venue
            named = {f.dimension for f in ctx.top}
            previous = previous.with_changes(
                dimensions=tuple(d for d in previous.dimensions if d not in named),
                filters=(*previous.filters, *ctx.top),
                order=(),
                limit=None,
            )
        built = _followup(sig, previous, ctx.focus) if followup and previous else _fresh(sig)
    except _Ambiguous as amb:
        return amb.plan
    if isinstance(built, Plan):
        return built
    query, notes, focus = built
    query, pref_notes = _apply_preferences(query, ctx.preferences)
    spelled = tuple(f"read \u201c{typo}\u201d as {word}" for typo, word in sig.corrected)
    return Plan(
        "query", query=query, notes=spelled + notes + pref_notes, chart=sig.chart, focus=focus
    )


_STARTERS = (
    "What was the total ticket revenue in 2025?",
    "Top 5 artists by tickets sold last year",
    "Revenue by country this year compared with last year",
)


class _Ambiguous(Exception):
    def __init__(self, plan: Plan) -> None:
        self.plan = plan


Built = tuple[SemanticQuery, tuple[str, ...], Filter | None]


def _fresh(sig: Signals) -> Built | Plan:
    metrics = [sig.counted] if sig.counted else list(sig.metrics)
    filters, dims, notes = _filters(sig, sig.mentions)
    dims = _merge_dims(list(sig.dimensions), dims)
    if not metrics:
        if not (sig.mentions or sig.dimensions or sig.direction):
            return _nothing_found(sig.tokens)
        return _which_metric(sig, filters, dims)
    return _finish(sig, metrics, dims, filters, notes)


def _followup(sig: Signals, previous: SemanticQuery, focus: Filter | None = None) -> Built | Plan:
    bare = len([w for w in sig.tokens.items if w not in vocab.STOPWORDS]) <= 2
    own = list(sig.metrics) if sig.metrics and (not sig.weak_metric or bare) else []
    metrics = [sig.counted] if sig.counted else (own or list(previous.metrics))
    new_filters, implied_dims, notes = _filters(sig, sig.mentions)
    kept: list[Filter] = []
    # only a name that is included replaces the one before ("excluding Berlin" narrows)
    new_dims = {f.dimension for f in new_filters if f.op in ("eq", "in")}
    removed = {f.dimension for f in new_filters if f.op in ("ne", "not_in")}
    replacing_place = bool(new_dims & _LOCATION) and not sig.only
    replacing_who = bool(new_dims & _WHO) and not sig.only
    for old in previous.filters:
        if old.dimension in new_dims or (old.dimension in removed and old.op in ("ne", "not_in")):
            continue
        if old.dimension == "year" and (sig.time.time or sig.time.years):
            continue
        if (
            replacing_place
            and old.dimension in _LOCATION
            and old.dimension != "venue_type"
            and not new_dims & {"venue_type"}
        ):
            continue
        if replacing_who and old.dimension in _WHO:
            continue
        kept.append(old)
    filters = kept + new_filters
    if sig.dimensions:
        dims = list(sig.dimensions)
        if sig.tokens.has("also"):
            dims = _merge_dims(list(previous.dimensions), dims)
    else:
        dims = [d for d in previous.dimensions if d != "year" or not sig.time.time]
    dims = _merge_dims(dims, implied_dims)
    time, compare = _followup_period(sig, previous)
    if sig.time.years and sig.time.growth:
        dims = [d for d in dims if d != "year"]
    if focus is not None and not sig.dimensions:
        sig.share = True  # "and box office?" after a share keeps asking for a share
    base = previous.model_copy(update={"time": time, "compare": compare})
    return _finish(sig, metrics, dims, filters, notes, base=base)


def _followup_period(
    sig: Signals, previous: SemanticQuery
) -> tuple[TimeRange | None, Comparison | None]:
    """The period (and comparison) a follow-up asks about, read against the previous one:
    "and in 2024?" replaces it; "and the previous year?" / "same period last year?" move
    it back a year; "compare that with 2024" after 2025 lists both years; "growth vs Q1
    2025?" after Q1 2026 compares the two. Adjusts `sig.time` to match."""
    told = sig.time
    span = period_of(previous, told.today)
    back = sig.tokens.has("previous year", "prior year", "year before", "the year prior")
    if span is not None and (told.shift_back or back) and not (told.growth or sig.versus):
        start, end = shift_year(*span)
        told.time, told.compare = None, None
        return TimeRange(start=start, end=end, label="the same period a year earlier"), (
            previous.compare
        )
    listed = next((f for f in previous.filters if f.dimension == "year" and f.op == "in"), None)
    named_year = (
        _whole_year(period_of(SemanticQuery(metrics=previous.metrics, time=told.time), told.today))
        if told.time
        else None
    )
    if listed is not None and sig.versus and (named_year or told.years):
        # "vs 2023?" after "2024 vs 2025": one more year side by side
        extra = [named_year] if named_year else told.years
        told.years = sorted({*(int(v) for v in listed.values), *extra})
        told.time = None
        return None, None
    if told.time is None:
        return (None if told.years else previous.time), previous.compare if not told.years else None
    named = period_of(SemanticQuery(metrics=previous.metrics, time=told.time), told.today)
    if span is None or not (told.growth or sig.versus):
        return told.time, None
    this_year, that_year = _whole_year(span), _whole_year(named)
    if sig.versus and not told.growth and this_year and that_year and this_year != that_year:
        told.years, told.time = sorted((this_year, that_year)), None  # a row per year
        return None, None
    unit = _same_unit_a_year_apart(span, named)
    if sig.versus and not told.growth and unit is not None:
        # "compare with Q2 2024" after Q2 2025: a row per year for that quarter (or month)
        told.breakdown = (unit[0], [unit[1]])
        told.years, told.time = sorted(unit[2]), None
        return None, None
    if named in (shift_year(*span), _previous(span)):
        year_ago = named == shift_year(*span)
        told.compare = Comparison(kind="year_ago" if year_ago else "previous_period")
        told.time = None
        return previous.time, told.compare
    return told.time, None


def _previous(
    span: tuple[dt.date | None, dt.date | None],
) -> tuple[dt.date | None, dt.date | None] | None:
    from greenroom.semantic.exceptions import SemanticError
    from greenroom.semantic.timeexpr import previous_period

    try:
        return previous_period(*span)
    except SemanticError:  # an open-ended period has no "before"
        return None


def _same_unit_a_year_apart(
    span: tuple[dt.date | None, dt.date | None],
    named: tuple[dt.date | None, dt.date | None] | None,
) -> tuple[str, int, tuple[int, int]] | None:
    """("quarter", 2, (2025, 2024)) when both periods are the same calendar quarter (or
    month) of two different years."""
    if named is None:
        return None
    first, end_first = span
    second, end_second = named
    if first is None or end_first is None or second is None or end_second is None:
        return None
    if (first.month, first.day, end_first.month) != (second.month, second.day, end_second.month):
        return None
    months = (end_first.year - first.year) * 12 + end_first.month - first.month
    if first.year == second.year or first.day != 1 or months not in (1, 3):
        return None
    if months == 3 and first.month % 3 != 1:
        return None
    if months == 3:
        return "quarter", (first.month - 1) // 3 + 1, (first.year, second.year)
    return "month", first.month, (first.year, second.year)


def _whole_year(span: tuple[dt.date | None, dt.date | None] | None) -> int | None:
    """The year `span` covers exactly, if it is one calendar year."""
    if span is None:
        return None
    start, end = span
    if start is None or end is None:
        return None
    whole = start.month == 1 and start.day == 1 and end == dt.date(start.year + 1, 1, 1)
    return start.year if whole else None


def _finish(
    sig: Signals,
    metrics: list[str],
    dims: list[str],
    filters: list[Filter],
    notes: tuple[str, ...],
    base: SemanticQuery | None = None,
) -> Built | Plan:
    catalog = get_catalog()
    if "popularity_rank" in metrics and not set(dims) | {f.dimension for f in filters} <= _LOCATION:
        metrics = ["tickets_sold" if m == "popularity_rank" else m for m in metrics]
        notes += ("popularity read as tickets sold",)
    time = sig.time.time if sig.time.time else (base.time if base else None)
    compare = (
        sig.time.compare
        if sig.time.compare
        else (base.compare if base and not sig.time.time else None)
    )
    if sig.time.breakdown is not None:
        unit, numbers = sig.time.breakdown
        filters = [*filters, Filter(dimension=unit, op="in", values=tuple(numbers))]
        dims = _merge_dims(dims, [unit])
    years = sig.time.years
    if len(years) == 2 and years[1] == years[0] + 1 and sig.time.growth:
        time = TimeRange(
            start=dt.date(years[1], 1, 1), end=dt.date(years[1] + 1, 1, 1), label=str(years[1])
        )
        compare = Comparison(kind="previous_period")
        sig.time.years = []
    if sig.time.years:
        filters = [f for f in filters if f.dimension != "year"]
        filters.append(Filter(dimension="year", op="in", values=tuple(sig.time.years)))
        dims = _merge_dims(dims, ["year"])
        time = None
        compare = None
    if (
        compare is not None
        and not sig.time.explicit_compare
        and any(catalog.dimension(d).time for d in dims)
    ):
        compare = None
    if compare is not None and time is None:
        time = TimeRange(relative="last_year", label="last year")
    focus = None
    share = sig.share or (base.share if base and not sig.dimensions else False)
    if sig.share and not dims:
        focus = _focus(sig, filters)
    order: tuple[Order, ...] = base.order if base else ()
    limit = base.limit if base else None
    if order and order[0].by not in (*metrics, *dims):
        # "rank them by revenue instead": the same ranking, by the new measure
        order = (Order(by=metrics[0], descending=order[0].descending),)
    if sig.direction or (sig.limit and dims):
        if not dims and sig.tokens.has("who"):
            dims = ["artist"]  # "who sold the most": one artist unless a number says more
            sig.plural = bool(sig.limit and sig.limit > 1)
        if dims:
            metric = catalog.metric(metrics[0])
            up = (sig.direction or "up") == "up"
            descending = up if metric.better == "higher" else not up
            order = (Order(by=metrics[0], descending=descending),)
            limit = sig.limit or (
                5 if sig.plural and not sig.tokens.has("the most", "the least") else 1
            )
            if sig.limit is None and not sig.plural:
                limit = 1
    elif sig.limit and base:
        limit = sig.limit
    if base is not None and sig.dimensions and list(base.dimensions) != dims and not sig.direction:
        order, limit = (), None
    query = SemanticQuery(
        metrics=tuple(dict.fromkeys(metrics)),
        dimensions=tuple(dims),
        filters=tuple(filters),
        time=time,
        order=order if all(o.by in (*metrics, *dims) for o in order) else (),
        limit=limit,
        compare=compare if not sig.time.years else None,
        share=share and bool(dims),
    )
    return query, notes, focus


def _focus(sig: Signals, filters: list[Filter]) -> Filter | None:
    """The part of a "share of …" question: the filter named last ("… came from online")."""
    eq = [f for f in filters if f.op == "eq"]
    if not eq:
        return None
    last = max(
        (
            m
            for m in sig.mentions
            if any(
                e.dimension == eq[0].dimension or any(e.dimension == f.dimension for f in eq)
                for e in m.entries
            )
        ),
        key=lambda m: m.start,
        default=None,
    )
    if last is None:
        return eq[-1]
    dims_of_last = {e.dimension for e in last.entries}
    return next((f for f in eq if f.dimension in dims_of_last), eq[-1])


def _which_metric(sig: Signals, filters: list[Filter], dims: list[str]) -> Plan:
    about = _about(filters)
    options = (
        ("revenue", "tickets_sold", "attendance_rate")
        if sig.direction
        else ("revenue", "tickets_sold", "concerts")
    )
    catalog = get_catalog()
    choices = []
    for name in options:
        built = _finish(sig, [name], dims, filters, ())
        if isinstance(built, tuple):
            label = catalog.metric(name).label
            choices.append(Choice(f"by {label}" if sig.direction else f"{label}{about}", built[0]))
    if sig.direction:
        message = "Best by which measure? I can rank by revenue, tickets sold or attendance rate."
    else:
        message = f"What would you like to know{about}? Pick a measure."
    return Plan(
        "clarification",
        message=message,
        choices=tuple(choices),
        suggestions=tuple(c.label for c in choices),
    )


def _nothing_found(tokens: Tokens) -> Plan:
    if tokens.has(*vocab.DATA_WORDS) or len(tokens) <= 4:
        return Plan(
            "clarification",
            message="Which numbers would you like? I can give revenue, tickets sold, concerts, "
            "average ticket price, attendance rate, average attendance or customers — by artist, "
            "genre, venue, city, country, venue type, price tier, segment, channel or period.",
            suggestions=_STARTERS,
        )
    return Plan(
        "refusal",
        message=f"I can't answer that from the concert data. {guard.CAN_DO}.",
        suggestions=_STARTERS,
    )


def _filters(
    sig: Signals, mentions: list[Mention]
) -> tuple[list[Filter], list[str], tuple[str, ...]]:
    """Filters for the names mentioned; dimensions implied by comparing several values."""
    by_dim: dict[str, list[Entry]] = {}
    negated: dict[str, list[Entry]] = {}
    notes: list[str] = []
    countries = {
        e.value
        for m in mentions
        for e in m.entries
        if e.dimension == "country" and len(m.entries) == 1
    }
    for idx, mention in enumerate(mentions):
        entry = _resolve(sig, mention, countries)
        if mention.how != "exact":
            notes.append(f"read \u201c{mention.text}\u201d as {entry.label}")
        target = negated if idx in sig.negated else by_dim
        target.setdefault(entry.dimension, [])
        if entry not in target[entry.dimension]:
            target[entry.dimension].append(entry)
    filters: list[Filter] = []
    dims: list[str] = []
    for dim, entries in by_dim.items():
        values = tuple(dict.fromkeys(e.value for e in entries))
        filters.append(Filter(dimension=dim, op="eq" if len(values) == 1 else "in", values=values))
        if len(values) > 1:
            dims.append(dim)
        for e in entries:
            if e.country and "country" not in by_dim:
                filters.append(Filter(dimension="country", values=(e.country,)))
    for dim, entries in negated.items():
        values = tuple(dict.fromkeys(e.value for e in entries))
        filters.append(
            Filter(dimension=dim, op="ne" if len(values) == 1 else "not_in", values=values)
        )
    return filters, dims, tuple(notes)


def _resolve(sig: Signals, mention: Mention, countries: set[str]) -> Entry:
    entries = list(mention.entries)
    if len(entries) == 1:
        return entries[0]
    narrowed = [e for e in entries if e.country and e.country in countries]
    if len(narrowed) == 1:
        return narrowed[0]
    dims = {e.dimension for e in entries}
    labels = [
        f"{e.label} ({get_catalog().dimension(e.dimension).label})" if len(dims) > 1 else e.label
        for e in entries
    ]
    choices = []
    for entry, label in zip(entries, labels, strict=True):
        single = replace(mention, entries=(entry,))
        others = [m if m is not mention else single for m in sig.mentions]
        sig_one = replace(sig, mentions=others)
        try:
            built = _fresh(sig_one)
        except _Ambiguous:
            continue
        if isinstance(built, tuple):
            choices.append(Choice(label, built[0]))
    raise _Ambiguous(
        Plan(
            "clarification",
            message=f"\u201c{mention.text}\u201d could mean {', '.join(labels[:-1])} or {labels[-1]}. "
            "Which one?",
            choices=tuple(choices),
            suggestions=tuple(c.label for c in choices),
        )
    )


def _about(filters: list[Filter]) -> str:
    if not filters:
        return ""
    return " for " + " and ".join(", ".join(str(v) for v in f.values) for f in filters)


def _merge_dims(first: list[str], more: list[str]) -> list[str]:
    return list(dict.fromkeys([*first, *more]))


def _apply_preferences(
    query: SemanticQuery, preferences: tuple[Filter, ...]
) -> tuple[SemanticQuery, tuple[str, ...]]:
    if not preferences:
        return query, ()
    have = {f.dimension for f in query.filters} | set(query.dimensions)
    extra = tuple(p for p in preferences if p.dimension not in have)
    if not extra:
        return query, ()
    said = ", ".join(", ".join(str(v) for v in p.values) for p in extra)
    return query.with_changes(filters=(*query.filters, *extra)), (
        f"only {said}, as you asked me to remember",
    )


def _pick(message: str, pending: tuple[Choice, ...]) -> Choice | None:
    tokens = Tokens.of(message)
    ordinals = ("first", "second", "third", "fourth", "fifth")
    for i, _choice in enumerate(pending):
        if tokens.text() in (
            str(i + 1),
            ordinals[i] if i < len(ordinals) else "",
            f"the {ordinals[i]}" if i < len(ordinals) else "",
        ):
            return pending[i]
    best: tuple[int, Choice] | None = None
    words = set(tokens.items) - vocab.STOPWORDS
    for choice in pending:
        overlap = len(words & set(Tokens.of(choice.label).items))
        if overlap and (best is None or overlap > best[0]):
            best = (overlap, choice)
    if best is not None and len(tokens) <= 6:
        return best[1]
    return None
