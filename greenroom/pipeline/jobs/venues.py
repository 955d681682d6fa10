"""`venues`: resolve the registry and Ticketmaster venue records into canonical venues.

stg_venues (SQL) → names repaired, implausible coordinates flagged → Splink resolution →
`silver.venues` (survivorship in SQL, time zones), the venue rows of
`silver.entity_xref`, and the evidence in the ops tables.
"""

from __future__ import annotations

from greenroom.pipeline import normalize
from greenroom.pipeline.job import Job, JobContext, JobOutput
from greenroom.pipeline.jobs._resolve import counts, lineage, replace_column, resolve_records
from greenroom.pipeline.jobs._tables import MODELS, PAIRS, XREF, XREF_LINEAGE
from greenroom.pipeline.lineage import ColumnLineage
from greenroom.pipeline.resolution import geo


def run(ctx: JobContext) -> JobOutput:
    staged = ctx.model("stg_venues")
    staged = replace_column(staged, "name", normalize.repair_mojibake(staged["name"]))
    staged = replace_column(staged, "city", normalize.repair_mojibake(staged["city"]))
    plausible = geo.coordinates_plausible(
        staged["city"], staged["country"], staged["latitude"], staged["longitude"]
    )
    staged = staged.append_column("coords_plausible", plausible)
    ctx.register("stg_venues", staged)
    result = resolve_records(ctx, "venue", staged)
    ctx.write("silver.venues", ctx.model("silver.venues"), compare=True)
    return JobOutput(rows_in=staged.num_rows, notes=counts(staged, result))


COORDINATES = ColumnLineage(
    "stg_venues",
    code=run,
    columns={
        "coords_plausible": (
            "stg_venues.city",
            "stg_venues.country",
            "stg_venues.latitude",
            "stg_venues.longitude",
            "ref_cities.latitude",
            "ref_cities.longitude",
        )
    },
    augments=True,
)

JOB = Job(
    name="venues",
    inputs=("bronze.venue_registry", "bronze.ticketmaster_venues"),
    outputs=("silver.venues", XREF, PAIRS, MODELS),
    run=run,
    models=("stg_venues", "silver.venues"),
    description="resolve venue records (Splink) into silver.venues and their crosswalk",
    lineage=(*lineage("venue"), COORDINATES, XREF_LINEAGE),
)
