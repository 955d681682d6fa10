"""Staging the concert records, shared by the `concert_ids` and `concerts` jobs.

The feeds name artists as bare text; the name keys are computed here (mojibake repaired,
folded, compact: `survivorship.match_keys`) for the distinct names only, and registered as
`concert_artist_keys(name, match_key)` for the stg_concerts model to look up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from greenroom.pipeline.lineage import ColumnLineage
from greenroom.pipeline.resolution import survivorship

if TYPE_CHECKING:
    from greenroom.pipeline.job import JobContext

INPUTS = (
    "bronze.promoter_concerts",
    "bronze.ticketmaster_events",
    "silver.entity_xref",
    "silver.venues",
)
NAMES_SQL = """
SELECT DISTINCT artist AS name FROM bronze.promoter_concerts WHERE artist IS NOT NULL
UNION
SELECT DISTINCT _embedded.attractions[1].name FROM bronze.ticketmaster_events
WHERE _embedded.attractions[1].name IS NOT NULL
"""


def stage_concerts(ctx: JobContext) -> pa.Table:
    """Register `concert_artist_keys` and `stg_concerts`; return the staged records."""
    names = ctx.session.sql(NAMES_SQL)["name"]
    keys = pa.table({"name": names, "match_key": survivorship.match_keys(names)})
    ctx.register("concert_artist_keys", keys)
    return ctx.model("stg_concerts")


ARTIST_KEYS = ColumnLineage(
    "concert_artist_keys",
    code=stage_concerts,
    columns={
        "name": ("bronze.promoter_concerts.artist", "bronze.ticketmaster_events._embedded"),
        "match_key": ("bronze.promoter_concerts.artist", "bronze.ticketmaster_events._embedded"),
    },
)
