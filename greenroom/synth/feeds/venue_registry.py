"""``venue_registry/venues.csv``: the national venue registries' export, every venue."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.synth import chars
from greenroom.synth.calendar import date_text
from greenroom.synth.defects.dates import mixed_dates
from greenroom.synth.defects.plan import DefectLog
from greenroom.synth.feeds._names import broken_names, non_ascii
from greenroom.synth.feeds.base import FeedContext, FeedResult, entities, result, write_csv
from greenroom.synth.world import World
from greenroom.synth.world.columns import days_of

FEED = "venue_registry"
_REQUIRED = ("venue_name", "city", "capacity")


def venue_registry(world: World, ctx: FeedContext) -> FeedResult:
    ven = world.venues.take(pc.sort_indices(world.venues["registry_id"]))
    ids: list[str] = ven["registry_id"].to_pylist()
    names: list[str] = ven["name"].to_pylist()
    n = len(ids)
    rng = ctx.rng(FEED)
    plan = ctx.plan(FEED, n, {"mojibake": non_ascii(names)})
    log = DefectLog(FEED)
    shown: list[str | None] = list(broken_names(rng, plan, log, ids, names, "venue_name"))
    city: list[str | None] = ven["city"].to_pylist()
    capacity: list[str | None] = [str(c) for c in ven["capacity"].to_pylist()]

    missing = np.flatnonzero(plan.mask("missing_required"))
    which = rng.integers(len(_REQUIRED), size=len(missing))
    for i, w in zip(missing.tolist(), which.tolist(), strict=True):
        (shown, city, capacity)[w][i] = None
    log.add(
        "missing_required",
        [ids[i] for i in missing],
        pa.array([_REQUIRED[w] for w in which], pa.string()),
    )

    lat = np.asarray(ven["latitude"].to_numpy()).copy()
    lon = np.asarray(ven["longitude"].to_numpy()).copy()
    wrong = np.flatnonzero(plan.mask("wrong_coordinates"))
    how = []
    for i in wrong.tolist():
        op = int(rng.integers(3))
        if op == 0 and abs(lon[i]) <= 90:
            lat[i], lon[i] = lon[i], lat[i]
            how.append("latitude and longitude swapped")
        elif op == 1 or (op == 0 and lat[i] != 0):
            lat[i] = -lat[i]
            how.append("latitude sign flipped")
        else:
            lon[i] = -lon[i]
            how.append("longitude sign flipped")
    log.add("wrong_coordinates", [ids[i] for i in wrong], "latitude,longitude", how)

    days = days_of(ven["opened"])
    opened = chars.to_strings(date_text(days))
    mixed = plan.mask("mixed_date_format")
    if mixed.any():
        alt = chars.to_strings(mixed_dates(rng, days[mixed])).to_pylist()
        values = opened.to_pylist()
        for j, i in enumerate(np.flatnonzero(mixed).tolist()):
            values[i] = alt[j]
        log.add("mixed_date_format", [ids[i] for i in np.flatnonzero(mixed)], "opened", alt)
        opened = pa.array(values, pa.string())

    table = pa.table(
        {
            "registry_id": ven["registry_id"],
            "venue_name": pa.array(shown, pa.string()),
            "street": ven["street"],
            "city": pa.array(city, pa.string()),
            "region": ven["region"],
            "country": ven["country_name"],
            "latitude": pa.array([f"{x:.4f}" for x in lat.tolist()], pa.string()),
            "longitude": pa.array([f"{x:.4f}" for x in lon.tolist()], pa.string()),
            "capacity": pa.array(capacity, pa.string()),
            "venue_type": ven["venue_type"],
            "amenities": pc.binary_join(ven["amenities"], ";"),
            "opened": opened,
        }
    )
    path, rel = ctx.path(FEED, "venues.csv")
    write_csv(path, table)
    return result(FEED, [rel], n, entities("venue", FEED, ven["registry_id"], ven["venue_id"]), log)
