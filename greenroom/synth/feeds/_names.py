"""Name defects shared by the entity feeds: variants and mojibake of one name field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.synth.defects.plan import DefectLog, DefectPlan
from greenroom.synth.defects.text import has_non_ascii, mojibake, name_variant

if TYPE_CHECKING:
    from greenroom.synth.feeds.base import FeedContext


def non_ascii(names: list[str]) -> np.ndarray:
    return np.array([has_non_ascii(n) for n in names], dtype=bool)


def broken_names(
    rng: np.random.Generator,
    plan: DefectPlan,
    log: DefectLog,
    ids: list[str],
    names: list[str],
    field: str,
) -> list[str]:
    """``names`` with the planned `name_variant` and `mojibake` defects applied and logged."""
    out = list(names)
    for kind in ("name_variant", "mojibake"):
        rows = np.flatnonzero(plan.mask(kind)).tolist()
        details = []
        for i in rows:
            out[i] = name_variant(names[i], rng) if kind == "name_variant" else mojibake(names[i])
            details.append(f"{names[i]} -> {out[i]}")
        log.add(kind, [ids[i] for i in rows], field, details)
    return out


MISSING_STYLES = ("absent", "null", "empty")


def missing_style(rng: np.random.Generator, n: int) -> list[str]:
    """How a missing JSON field is missing: key absent, ``null`` or ``""``."""
    return [MISSING_STYLES[i] for i in rng.integers(len(MISSING_STYLES), size=n).tolist()]


class NamedRecords(NamedTuple):
    """The records of a named-entity feed with their name defects drawn and logged."""

    table: pa.Table
    ids: list[str]
    names: list[str]
    rng: np.random.Generator
    plan: DefectPlan
    log: DefectLog
    shown: list[str]
    """Names as the feed shows them (variants and mojibake applied)."""
    missing: np.ndarray
    """Records whose name is missing (`missing_required`)."""
    styles: Iterator[str]
    """How each missing name is missing, in record order."""


def named_records(entities: pa.Table, id_column: str, feed: str, ctx: FeedContext) -> NamedRecords:
    """The entities the feed knows (an id in `id_column`), in id order, with the feed's
    name defects — variants, mojibake, missing names — drawn and logged."""
    table = entities.filter(pc.is_valid(entities[id_column]))
    table = table.take(pc.sort_indices(table[id_column]))
    ids: list[str] = table[id_column].to_pylist()
    names: list[str] = table["name"].to_pylist()
    rng = ctx.rng(feed)
    plan = ctx.plan(feed, len(ids), {"mojibake": non_ascii(names)})
    log = DefectLog(feed)
    shown = broken_names(rng, plan, log, ids, names, "name")
    missing = plan.mask("missing_required")
    styles = iter(missing_style(rng, int(missing.sum())))
    log.add("missing_required", [ids[i] for i in np.flatnonzero(missing)], "name")
    return NamedRecords(table, ids, names, rng, plan, log, shown, missing, styles)
