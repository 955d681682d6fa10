"""``promoter_concerts/concerts.xml``: the promoter's own feed, every concert."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.synth import calendar, chars
from greenroom.synth.defects.dates import bad_dates, mixed_timestamps
from greenroom.synth.defects.plan import DefectLog
from greenroom.synth.defects.text import has_non_ascii, mojibake, name_variant
from greenroom.synth.feeds._amounts import to_local_cents, unknown_ids
from greenroom.synth.feeds.base import FeedContext, FeedResult, entities, result
from greenroom.synth.world import World
from greenroom.synth.world.columns import np_col

FEED = "promoter_concerts"
_MISSING = ("artist", "venue", "date")
_TIERS = ("GA", "reserved", "VIP")


def promoter_concerts(world: World, ctx: FeedContext) -> FeedResult:
    con = world.concerts.take(pc.sort_indices(world.concerts["promoter_id"]))
    n = con.num_rows
    ids: list[str] = con["promoter_id"].to_pylist()
    art_idx, ven_idx = np_col(con, "_artist_idx"), np_col(con, "_venue_idx")
    artist = world.artists["name"].take(art_idx).to_pylist()
    mbid = world.artists["musicbrainz_id"].take(art_idx).fill_null("").to_pylist()
    venue = world.venues["name"].take(ven_idx).to_pylist()
    ref = world.venues["registry_id"].take(ven_idx).to_pylist()
    currency = np.asarray(world.venues["currency"].take(ven_idx).to_numpy(zero_copy_only=False))
    accented = np.array(
        [has_non_ascii(a) or has_non_ascii(v) for a, v in zip(artist, venue, strict=True)]
    )
    rng = ctx.rng(FEED)
    plan = ctx.plan(FEED, n, {"mojibake": accented, "local_currency": currency != "USD"})
    log = DefectLog(FEED)

    shown_artist, shown_venue = list(artist), list(venue)
    for kind in ("name_variant", "mojibake"):
        rows = np.flatnonzero(plan.mask(kind)).tolist()
        fields, details = [], []
        for i in rows:
            use_artist = bool(rng.random() < 0.5)
            if kind == "mojibake":
                use_artist = has_non_ascii(artist[i]) and (
                    use_artist or not has_non_ascii(venue[i])
                )
            names = shown_artist if use_artist else shown_venue
            before = names[i]
            names[i] = name_variant(before, rng) if kind == "name_variant" else mojibake(before)
            fields.append("artist" if use_artist else "venue")
            details.append(f"{before} -> {names[i]}")
        log.add(kind, [ids[i] for i in rows], pa.array(fields, pa.string()), details)

    dates = chars.to_strings(
        calendar.timestamp_text(np_col(con, "_local_ms"), "iso_local")
    ).to_pylist()
    mixed = np.flatnonzero(plan.mask("mixed_date_format"))
    alt = chars.to_strings(
        mixed_timestamps(rng, np_col(con, "_local_ms")[mixed], seconds=False)
    ).to_pylist()
    for j, i in enumerate(mixed.tolist()):
        dates[i] = alt[j]
    log.add("mixed_date_format", [ids[i] for i in mixed], "date", alt)
    bad = np.flatnonzero(plan.mask("bad_date"))
    broken = bad_dates(rng, np_col(con, "_local_ms")[bad], with_time=True)
    for j, i in enumerate(bad.tolist()):
        dates[i] = broken[j]
    log.add("bad_date", [ids[i] for i in bad], "date", broken)

    missing = np.flatnonzero(plan.mask("missing_required"))
    gone = rng.integers(len(_MISSING), size=len(missing))
    omitted = rng.random(len(missing)) < 0.5  # element left out, or present but empty
    lacks = {
        i: (_MISSING[g], bool(o))
        for i, g, o in zip(missing.tolist(), gone.tolist(), omitted.tolist(), strict=True)
    }
    log.add(
        "missing_required",
        [ids[i] for i in missing],
        pa.array([_MISSING[g] for g in gone], pa.string()),
    )

    unknown = np.flatnonzero(plan.mask("unknown_reference"))
    fake = unknown_ids(
        set(ref),
        lambda k: [f"VR-{x:05d}" for x in rng.integers(10_000, 100_000, size=k)],
        len(unknown),
    )
    for j, i in enumerate(unknown.tolist()):
        ref[i] = fake[j]
    log.add("unknown_reference", [ids[i] for i in unknown], "venue/@ref", fake)

    cents = np.stack([np_col(con, "_ga_c"), np_col(con, "_res_c"), np_col(con, "_vip_c")], axis=1)
    present = cents >= 0
    local = plan.mask("local_currency")
    shown_cents = cents.copy()
    for t in range(3):
        shown_cents[local, t] = to_local_cents(cents[local, t], currency[local])
    shown_currency = np.where(local, currency, "USD")
    log.add(
        "local_currency",
        [ids[i] for i in np.flatnonzero(local)],
        "prices",
        currency[local].tolist(),
    )
    negative = np.flatnonzero(plan.mask("negative_price"))
    neg_tier = [int(rng.choice(np.flatnonzero(present[i]))) for i in negative.tolist()]
    for i, t in zip(negative.tolist(), neg_tier, strict=True):
        shown_cents[i, t] = -shown_cents[i, t]
    log.add(
        "negative_price",
        [ids[i] for i in negative],
        pa.array([f"prices/tier[@name='{_TIERS[t]}']" for t in neg_tier], pa.string()),
    )
    price_text = chars.to_strings(chars.amount(shown_cents.reshape(-1))).to_pylist()

    status = ["cancelled" if s == "cancelled" else "confirmed" for s in con["status"].to_pylist()]
    out = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<concerts generated="{ctx.today.isoformat()}">\n'
    ]
    for i in range(n):
        lack, omit = lacks.get(i, ("", False))
        parts = [f'  <concert id="{ids[i]}" status="{status[i]}">\n']
        if lack != "artist":
            parts.append(
                f"    <artist mbid={quoteattr(mbid[i])}>{escape(shown_artist[i])}</artist>\n"
            )
        elif not omit:
            parts.append(f"    <artist mbid={quoteattr(mbid[i])}></artist>\n")
        venue_ref = "" if lack == "venue" else ref[i]
        if lack != "venue" or not omit:
            parts.append(
                f"    <venue ref={quoteattr(venue_ref)}>{escape(shown_venue[i])}</venue>\n"
            )
        else:
            parts.append(f"    <venue>{escape(shown_venue[i])}</venue>\n")
        if lack != "date":
            parts.append(f"    <date>{escape(dates[i])}</date>\n")
        elif not omit:
            parts.append("    <date></date>\n")
        tiers = "".join(
            f'<tier name="{_TIERS[t]}">{price_text[3 * i + t]}</tier>'
            for t in range(3)
            if present[i, t]
        )
        parts.append(f'    <prices currency="{shown_currency[i]}">{tiers}</prices>\n  </concert>\n')
        out.append("".join(parts))
    out.append("</concerts>\n")
    path, rel = ctx.path(FEED, "concerts.xml")
    path.write_text("".join(out), encoding="utf-8")
    return result(
        FEED, [rel], n, entities("concert", FEED, con["promoter_id"], con["concert_id"]), log
    )
