"""``crm_customers/customers.csv``: the promoter's CRM export (personal data)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.synth import calendar, chars
from greenroom.synth.defects.dates import DATE_STYLES, bad_dates
from greenroom.synth.defects.plan import DefectLog
from greenroom.synth.defects.text import mojibake
from greenroom.synth.feeds.base import FeedContext, FeedResult, PiiKind, entities, result, write_csv
from greenroom.synth.world import World
from greenroom.synth.world.columns import days_of

FEED = "crm_customers"
_REQUIRED = ("first_name", "last_name", "email")
PII: Mapping[str, PiiKind] = {
    "customer_id": "customer_id",
    "first_name": "person_name",
    "last_name": "person_name",
    "email": "email",
    "birth_date": "date_of_birth",
}
"""Personal fields; ``city`` and ``country`` are coarse quasi-identifiers, not listed."""


def _patched(values: pa.Array, rows: np.ndarray, new: list[str | None]) -> pa.Array:
    """``values`` with ``rows`` (ascending) replaced by ``new``."""
    mask = np.zeros(len(values), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(values, pa.array(mask), pa.array(new, pa.string()))


def crm_customers(world: World, ctx: FeedContext) -> FeedResult:
    cus = world.customers.take(pc.sort_indices(world.customers["crm_id"]))
    n = cus.num_rows
    ids = cus["crm_id"].combine_chunks()
    first, last = cus["first_name"].combine_chunks(), cus["last_name"].combine_chunks()
    accented = ~np.asarray(
        pc.and_(pc.string_is_ascii(first), pc.string_is_ascii(last)).to_numpy(zero_copy_only=False)
    )
    rng = ctx.rng(FEED)
    plan = ctx.plan(FEED, n, {"mojibake": accented})
    log = DefectLog(FEED)
    columns: dict[str, pa.Array] = {
        "first_name": first,
        "last_name": last,
        "email": cus["email"].combine_chunks(),
    }

    moji = np.flatnonzero(plan.mask("mojibake"))
    if len(moji):
        f, la = first.take(moji).to_pylist(), last.take(moji).to_pylist()
        columns["first_name"] = _patched(columns["first_name"], moji, [mojibake(x) for x in f])
        columns["last_name"] = _patched(columns["last_name"], moji, [mojibake(x) for x in la])
        log.add(
            "mojibake",
            ids.take(moji),
            "first_name,last_name",
            [f"{a} {b} -> {mojibake(a)} {mojibake(b)}" for a, b in zip(f, la, strict=True)],
        )
    missing = np.flatnonzero(plan.mask("missing_required"))
    which = rng.integers(len(_REQUIRED), size=len(missing))
    for w, field in enumerate(_REQUIRED):
        rows = missing[which == w]
        if len(rows):
            columns[field] = _patched(columns[field], rows, [None] * len(rows))
    log.add(
        "missing_required", ids.take(missing), pa.array([_REQUIRED[w] for w in which], pa.string())
    )

    birth, signup = days_of(cus["birth_date"]), days_of(cus["signup_date"])
    style = np.zeros(n, dtype=np.int64)  # 0 = ISO
    mixed = plan.mask("mixed_date_format")
    style[mixed] = 1 + rng.integers(len(DATE_STYLES), size=int(mixed.sum()))
    texts = {}
    for name, days in (("birth_date", birth), ("signup_date", signup)):
        mat = calendar.date_text(days, "iso")
        for s, style_name in enumerate(DATE_STYLES, start=1):
            rows = style == s
            if rows.any():
                alt = calendar.date_text(days[rows], style_name)
                wide = np.zeros((n, max(mat.shape[1], alt.shape[1])), dtype=np.uint8)
                wide[:, : mat.shape[1]] = mat
                wide[rows] = 0
                wide[rows, : alt.shape[1]] = alt
                mat = wide
        texts[name] = chars.to_strings(mat)
    log.add(
        "mixed_date_format",
        ids.filter(pa.array(mixed)),
        "birth_date,signup_date",
        texts["signup_date"].filter(pa.array(mixed)),
    )
    bad = np.flatnonzero(plan.mask("bad_date"))
    broken = bad_dates(rng, signup[bad] * calendar.MS_PER_DAY, with_time=False)
    texts["signup_date"] = _patched(texts["signup_date"], bad, list(broken))
    log.add("bad_date", ids.take(bad), "signup_date", broken)

    table = pa.table(
        {
            "customer_id": ids,
            "first_name": columns["first_name"],
            "last_name": columns["last_name"],
            "email": columns["email"],
            "birth_date": texts["birth_date"],
            "city": cus["city"],
            "country": cus["country"],
            "segment": cus["segment"],
            "signup_date": texts["signup_date"],
        }
    )
    path, rel = ctx.path(FEED, "customers.csv")
    write_csv(path, table)
    return result(FEED, [rel], n, entities("customer", FEED, ids, cus["customer_id"]), log, PII)
