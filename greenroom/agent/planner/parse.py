"""One message → `Signals`: every metric, dimension, name, period, ranking and follow-up
cue found in it, with nothing decided yet. `offline` turns signals into a plan."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from greenroom.agent.planner import vocabulary as vocab
from greenroom.agent.planner.lexicon import Lexicon, Mention
from greenroom.agent.planner.text import Tokens
from greenroom.agent.planner.timeparse import TimeSignals, parse_time

ChartType = Literal["indicator", "line", "bar", "pie", "scatter", "grouped_bar", "table"]

_GROUP_CUES = ("by", "per", "each", "every", "across", "which", "what", "top", "bottom", "among")
_NUMBER_WORDS = vocab.NUMBER_WORDS
_FOLLOWUP_STARTS = (
    "and",
    "what about",
    "how about",
    "what of",
    "same",
    "now",
    "only",
    "just",
    "also",
    "but",
    "break it",
    "split it",
    "show it",
    "show that",
    "make it",
    "plot it",
    "as a",
    "why",
    "instead",
    "then",
    "ok",
    "okay",
    "excluding",
    "except",
    "without",
    "same for",
    "for",
    "in",
    "at",
    "by",
    "per",
    "compare",
    "versus",
    "vs",
    "how does that",
    "what if",
)
_CHARTS: dict[str, ChartType] = {
    "line": "line",
    "bar": "bar",
    "bars": "bar",
    "pie": "pie",
    "donut": "pie",
    "scatter": "scatter",
    "table": "table",
    "indicator": "indicator",
    "grouped": "grouped_bar",
}
_REFERENCES = (
    "is that",
    "of that",
    "was that",
    "for that",
    "about that",
    "that number",
    "those numbers",
    "of those",
    "of it",
    "is it",
    "has it",
    "did it",
    "does it",
    "was it",
    "it make",
    "it made",
    "did they",
    "do they",
    "have they",
    "that one",
    "this one",
    "that venue",
    "that artist",
    "that city",
    "that band",
    "this venue",
    "this artist",
    "same thing",
)
_NEGATORS = (
    "excluding",
    "exclude",
    "excludes",
    "except",
    "without",
    "not",
    "other than",
    "apart from",
    "besides",
    "leave out",
    "leaving out",
    "leave off",
    "not including",
    "minus",
    "but not",
    "ignore",
    "ignoring",
    "drop",
    "remove",
    "take out",
    "omit",
    "omitting",
    "except for",
)


@dataclass
class Signals:
    tokens: Tokens
    mentions: list[Mention]
    time: TimeSignals
    metrics: list[str] = field(default_factory=list)
    """Metrics asked for, in order; weak ones ("… of arena concerts") only if nothing else."""
    counted: str | None = None
    """The metric of "how many X" / "number of X", which wins over every other."""
    dimensions: list[str] = field(default_factory=list)
    plural: bool = True
    direction: Literal["up", "down"] | None = None
    best_worst: bool = False
    """"best"/"worst": the direction depends on the metric, so one must be named."""
    limit: int | None = None
    share: bool = False
    chart: ChartType | None = None
    why: bool = False
    only: bool = False
    negated: set[int] = field(default_factory=set)
    """Indices into `mentions` that are excluded ("except Berlin")."""
    versus: bool = False
    followup_cue: bool = False
    how_much: bool = False
    refers: bool = False
    """A reference to the previous answer ("is that", "did it", "their")."""
    weak_metric: bool = False
    """The metric came from a context word only ("… club shows"): a follow-up keeps its own."""
    corrected: tuple[tuple[str, str], ...] = ()
    """Planner words read through a typo: ("revnue", "revenue")."""

    @property
    def empty(self) -> bool:
        return not (
            self.metrics
            or self.counted
            or self.dimensions
            or self.mentions
            or self.time.time
            or self.time.years
            or self.chart
            or self.why
            or self.limit
            or self.direction
            or self.time.shift_back
            or self.time.periods
            or self.share
            or self.negated
            or self.time.compare
        )


def parse(message: str, lexicon: Lexicon, today: dt.date) -> Signals:
    tokens, corrected = _spelled(Tokens.of(message), lexicon)
    time = parse_time(tokens, today)
    mentions = lexicon.match(tokens, reserved=time.used)
    reserved = set(time.used) | {i for m in mentions for i in range(m.start, m.end)}
    sig = Signals(tokens=tokens, mentions=mentions, time=time, corrected=corrected)
    _dimensions(sig, reserved)
    _metrics(sig, reserved)
    _ranking(sig)
    _cues(sig)
    return sig


_VOCABULARY = sorted(
    {
        w
        for group in (vocab.METRIC_PHRASES, vocab.DIMENSION_PHRASES, vocab.COUNTABLE)
        for p, _ in group
        for w in p.split()
        if len(w) >= 5
    }
    | {"quarterly", "monthly", "yearly", "cancelled", "scheduled", "completed", "upcoming"}
)


_KNOWN = frozenset(_VOCABULARY) | vocab.STOPWORDS


def _spelled(tokens: Tokens, lexicon: Lexicon) -> tuple[Tokens, tuple[tuple[str, str], ...]]:
    """Correct typos in the planner's own words ("revnue", "tickts"), never in names."""
    from rapidfuzz import fuzz, process

    known = _KNOWN
    items = list(tokens.items)
    fixes: list[tuple[str, str]] = []
    for i, word in enumerate(items):
        if len(word) < 5 or word in known or word.isdigit() or word in lexicon.exact:
            continue
        if word in lexicon.name_words:
            continue
        if word.endswith("ys") and word[:-2] + "ies" in known:  # "citys", "countrys"
            items[i] = word[:-2] + "ies"
            fixes.append((word, items[i]))
            continue
        best = process.extractOne(word, _VOCABULARY, scorer=fuzz.ratio, score_cutoff=80)
        if best is not None:
            items[i] = best[0]
            fixes.append((word, best[0]))
    if not fixes:
        return tokens, ()
    return Tokens(tuple(items), tokens.upper), tuple(fixes)


@cache
def _longest_first(phrases: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(phrases, key=lambda p: -len(p[0].split())))


def _find_phrases(
    tokens: Tokens, phrases: tuple[tuple[str, str], ...], reserved: set[int]
) -> list[tuple[int, int, str, str]]:
    """(start, end, phrase, target) of non-overlapping phrase hits, longest first."""
    hits: list[tuple[int, int, str, str]] = []
    taken = set(reserved)
    for text, target in _longest_first(phrases):
        parts = text.split()
        n = len(parts)
        for i in range(len(tokens) - n + 1):
            if list(tokens.items[i : i + n]) == parts and not taken.intersection(range(i, i + n)):
                hits.append((i, i + n, text, target))
                taken.update(range(i, i + n))
    return sorted(hits)


def _dimensions(sig: Signals, reserved: set[int]) -> None:
    w = sig.tokens.items
    for adverb, dim in vocab.GRAIN_WORDS.items():
        at = sig.tokens.find(adverb)
        if at >= 0 and at not in reserved:
            sig.dimensions.append(dim)
            reserved.add(at)
    if sig.tokens.has("over time"):
        sig.dimensions.append("year")
    named = {i for m in sig.mentions for i in range(m.start, m.end)}
    for mention in sig.mentions:
        # "which 3 theaters sold the most": venues of that type, ranked
        kinds = {e.dimension for e in mention.entries}
        before_type = w[max(0, mention.start - 2) : mention.start]
        if kinds == {"venue_type"} and mention.text.endswith("s") and _rank_cue(before_type):
            sig.dimensions.append("venue")
            if before_type and _number(before_type[-1]):
                sig.limit = _number(before_type[-1])
    for start, end, text, dim in _find_phrases(sig.tokens, vocab.DIMENSION_PHRASES, reserved):
        # "top 5 metal artists", "which German venues": look past the names before the noun
        raw = w[max(0, start - 3) : start]
        before = tuple(w[i] for i in range(start) if i not in named)[-3:]
        skipped = before != raw
        cue = _group_cue(raw) or (skipped and _rank_cue(before))
        for seq in (raw, before):
            if not cue and len(seq) >= 2 and seq[-1] in _ADJECTIVES and _rank_cue(seq[:-1]):
                cue = True  # "worst performing city", "top-selling punk artist"
        if not cue and raw and raw[-1] == "and" and sig.dimensions:
            cue = True  # "by month and channel"
        if not cue and before and _number(before[-1]) and not _YEARLIKE.fullmatch(before[-1]):
            cue = True  # "the three cities with the highest revenue"
        if not cue and w[end : end + 1] in (
            ("breakdown",),
            ("split",),
            ("mix",),
            ("distribution",),
        ):
            cue = True  # "price tier breakdown of tickets"
        if not cue and not before and w[end : end + 1] == ("by",):
            cue = _metric_word(w[end + 1 : end + 3])  # "cities by revenue"
        if dim == "weekday" and text == "day" and not cue:
            continue
        if cue:
            if dim not in sig.dimensions:
                sig.dimensions.append(dim)
            sig.plural = text.endswith("s") and not text.endswith("status")
            reserved.update(range(start, end))
            counted = [x for x in before if _number(x) and not _YEARLIKE.fullmatch(x)]
            if counted:  # "which 3 venues", "the three most popular venues"
                sig.limit = _number(counted[-1])


def _metric_word(words: tuple[str, ...]) -> bool:
    text = " ".join(words)
    return any(text == p or text.startswith(p + " ") for p, _ in vocab.METRIC_PHRASES)


_YEARLIKE = re.compile(r"(19|20)\d\d")
_ADJECTIVES = frozenset({"performing", "selling", "earning", "grossing", "attended", "visited"})


def _rank_cue(before: tuple[str, ...]) -> bool:
    """A ranking before a noun: "top 5", "which 3", "best", "most popular"."""
    if not before:
        return False
    last = before[-1]
    ranks = (*vocab.UP_WORDS, *vocab.DOWN_WORDS, "which", "what")
    if last in ranks or last in ("popular", "profitable", "successful", "busiest"):
        return True
    return (last.isdigit() or last in _NUMBER_WORDS) and len(before) >= 2 and before[-2] in ranks


def _group_cue(before: tuple[str, ...]) -> bool:
    if not before:
        return False
    last = before[-1]
    if last in _GROUP_CUES or last in vocab.UP_WORDS or last in vocab.DOWN_WORDS:
        return True
    if last in ("popular", "profitable", "successful", "busiest", "biggest") or last.endswith(
        "est"
    ):
        return True
    if (last.isdigit() or last in _NUMBER_WORDS) and len(before) >= 2:
        return (
            before[-2] in _GROUP_CUES
            or before[-2] in vocab.UP_WORDS
            or before[-2] in vocab.DOWN_WORDS
        )
    if last == "the" and len(before) >= 2 and before[-2] in ("by", "per", "across", "which"):
        return True
    if last in ("sales", "customer", "ticket", "venue", "price") and len(before) >= 2:
        return before[-2] in _GROUP_CUES
    return False


def _metrics(sig: Signals, reserved: set[int]) -> None:
    w = sig.tokens.items
    sig.how_much = sig.tokens.has("how much")
    for i, word in enumerate(w):
        nxt = w[i + 1] if i + 1 < len(w) else ""
        if (word == "many" and i > 0 and w[i - 1] == "how") or (
            word in ("number", "count") and nxt == "of"
        ):
            for j in range(i + 1, min(i + 5, len(w))):
                if j in reserved and not any(m.start <= j < m.end for m in sig.mentions):
                    continue
                hit = next((t for p, t in vocab.COUNTABLE if p == w[j]), None)
                if hit:
                    sig.counted = hit
                    reserved.add(j)
                    break
            if sig.counted:
                break
    strong: list[str] = []
    weak: list[str] = []
    for start, _end, text, metric in _find_phrases(sig.tokens, vocab.METRIC_PHRASES, reserved):
        if text in ("show", "shows") and (
            start == 0
            or (
                start + 1 < len(w)
                and w[start + 1]
                in (
                    "me",
                    "us",
                    "it",
                    "that",
                    "as",
                    "the",
                    "a",
                    "an",
                    "all",
                    "monthly",
                    "quarterly",
                    "yearly",
                )
            )
        ):
            continue
        if text in ("make", "made") and not sig.how_much:
            continue
        is_weak = metric in vocab.WEAK_METRICS or text in _WEAK_WORDS
        if sig.how_much and text in ("ticket", "tickets"):
            is_weak = True  # "how much did fans spend on tickets": money, not a count
        if any(m.end == start for m in sig.mentions) and metric in ("tickets_sold", "concerts"):
            is_weak = True  # "VIP tickets", "club shows": what is counted, not the measure
        (weak if is_weak else strong).append(metric)
    strong = _money_and_attendance(sig, strong)
    sig.metrics = list(dict.fromkeys(strong)) or list(dict.fromkeys(weak))[:1]
    sig.weak_metric = not strong
    if len(sig.metrics) > 1 and not sig.tokens.has(
        "and", "as well as", "plus", "with", "vs", "versus"
    ):
        sig.metrics = sig.metrics[:1]
    if not sig.metrics and not sig.counted and sig.how_much:
        sig.metrics = ["revenue"]


_MONEY = ("in dollars", "dollars", "usd", "bring in", "brought in", "money", "in revenue")
_EARN = ("make", "made", "earn", "earned", "earns", "earning", "generate", "generated")
_AVERAGE = (
    "average",
    "on average",
    "per concert",
    "per show",
    "each concert",
    "each show",
    "typical",
    "typically",
    "mean",
)


def _money_and_attendance(sig: Signals, strong: list[str]) -> list[str]:
    """Words that decide the measure over a counted noun: money ("… from ticket sales, in
    dollars" is revenue), a cost on average (price), people attending (attendance)."""
    t = sig.tokens
    money = t.has(*_MONEY) or (t.has(*_EARN) and t.has("ticket sales", "sales", "tickets"))
    if money and "avg_ticket_price" not in strong and ("tickets_sold" in strong or t.has(*_MONEY)):
        strong = [
            "revenue",
            *[m for m in strong if m not in ("tickets_sold", "customers", "revenue")],
        ]
    if t.has("cost", "costs", "costed", "price", "priced") and t.has(*_AVERAGE):
        return ["avg_ticket_price"]
    if t.has("attended", "attend", "attendees", "attending", "went to", "showed up", "turnout"):
        if sig.counted == "customers":  # "how many people attended": tickets, not buyers
            sig.counted = None
        if t.has(*_AVERAGE):
            return ["average_attendance"]
        if not strong or strong == ["customers"]:
            return ["tickets_sold"]
    per_show = t.has("concert", "show", "gig", "event", "per concert", "per show", "each concert")
    if sig.counted == "tickets_sold" and t.has(*_AVERAGE) and per_show and not strong[1:]:
        sig.counted = None  # "on average, how many tickets did an arena concert sell"
        return ["average_attendance"]
    if t.has("capacity", "fill", "filled", "full", "sold out", "sell out", "sellout") and not t.has(
        "by capacity"
    ):
        return ["attendance_rate"]
    return strong


_WEAK_WORDS = frozenset(
    {
        "spend",
        "spent",
        "spending",
        "paid",
        "pay",
        "pays",
        "take",
        "sold",
        "sell",
        "sells",
        "selling",
        "make",
        "made",
        "generate",
        "generated",
        "earn",
        "earned",
        "bring in",
        "brought in",
        "ticket",
        "popular",
        "price",
        "prices",
    }
)


def _ranking(sig: Signals) -> None:
    w = sig.tokens.items
    for i, word in enumerate(w):
        if word in vocab.UP_WORDS or word in vocab.DOWN_WORDS:
            if (
                word in ("top", "bottom")
                and i + 1 < len(w)
                and (w[i + 1].isdigit() or w[i + 1] in _NUMBER_WORDS)
            ):
                sig.limit = sig.limit or _number(w[i + 1])
            sig.direction = "up" if word in vocab.UP_WORDS else "down"
            if word in ("best", "worst"):
                sig.direction = "up" if word == "best" else "down"
                sig.best_worst = True
            break
    m = re.search(r"\b(which|what) (\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")\b", sig.tokens.text())
    if m and sig.limit is None:
        sig.limit = _number(m.group(2))
    m = re.search(r"\b(\d{1,3}) (best|worst|most|least|biggest|largest|top)\b", sig.tokens.text())
    if m and sig.limit is None:
        sig.limit = int(m.group(1))


def _cues(sig: Signals) -> None:
    t = sig.tokens
    growth_words = t.has(
        "percentage change",
        "percent change",
        "percentage increase",
        "percent increase",
        "percentage decrease",
        "percentage growth",
    )
    sig.share = t.has(
        "share",
        "percentage",
        "percent",
        "proportion",
        "fraction",
        "what part",
        "account for",
        "accounts for",
        "how much of",
        "portion",
        "contribution",
        "contribute",
        "contributed",
    )
    if sig.metrics == ["attendance_rate"]:
        sig.share = False  # "what fraction of its capacity": the rate is the fraction
    if growth_words or (sig.time.growth and not t.has("share", "fraction", "proportion")):
        sig.share = False
        sig.time.growth = True
        if sig.time.compare is None:
            from greenroom.semantic.query import Comparison

            sig.time.compare = Comparison(kind="previous_period")
    sig.why = t.has(
        "why", "what caused", "what drove", "explain", "reason", "reasons", "what happened"
    )
    sig.only = t.has("only", "just", "restrict", "limit it", "filter")
    sig.versus = t.has("vs", "versus", "compare", "compared", "comparison", "against", "or")
    for word, chart in _CHARTS.items():
        if t.has(
            f"{word} chart",
            f"{word} graph",
            f"{word} plot",
            f"as a {word}",
            f"as {word}",
            f"{word} chart instead",
            f"as a {word} chart",
        ):
            sig.chart = chart
            break
    text = t.text()
    sig.followup_cue = any(text == s or text.startswith(s + " ") for s in _FOLLOWUP_STARTS)
    sig.refers = t.has(*_REFERENCES)
    sig.followup_cue = sig.followup_cue or sig.refers
    for idx, mention in enumerate(sig.mentions):
        before = " " + " ".join(t.items[max(0, mention.start - 4) : mention.start]) + " "
        if any(f" {n} " in before for n in _NEGATORS):
            sig.negated.add(idx)


def _number(word: str) -> int | None:
    if word.isdigit():
        value = int(word)
        return value if 1 <= value <= 1000 else None
    return _NUMBER_WORDS.get(word)
