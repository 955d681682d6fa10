"""`artists`: resolve the MusicBrainz and Spotify artist records into canonical artists.

stg_artists (SQL) → names repaired, genres onto the taxonomy → Splink resolution →
`silver.artists` (survivorship in SQL), the artist rows of `silver.entity_xref`, and the
evidence in `ops.entity_match_pairs` / `ops.entity_resolution_models`.
"""

from __future__ import annotations

from greenroom.pipeline import normalize
from greenroom.pipeline.job import Job, JobContext, JobOutput
from greenroom.pipeline.jobs._resolve import counts, lineage, replace_column, resolve_records
from greenroom.pipeline.jobs._tables import MODELS, PAIRS, XREF, XREF_LINEAGE


def run(ctx: JobContext) -> JobOutput:
    staged = ctx.model("stg_artists")
    staged = replace_column(staged, "name", normalize.repair_mojibake(staged["name"]))
    staged = replace_column(staged, "genres", normalize.canonical_genres(staged["genres"]))
    ctx.register("stg_artists", staged)
    result = resolve_records(ctx, "artist", staged)
    ctx.write("silver.artists", ctx.model("silver.artists"), compare=True)
    return JobOutput(rows_in=staged.num_rows, notes=counts(staged, result))


JOB = Job(
    name="artists",
    inputs=("bronze.musicbrainz_artists", "bronze.spotify_artists"),
    outputs=("silver.artists", XREF, PAIRS, MODELS),
    run=run,
    models=("stg_artists", "silver.artists"),
    description="resolve artist records (Splink) into silver.artists and their crosswalk",
    lineage=(*lineage("artist"), XREF_LINEAGE),
)
