"""What the artists and venues jobs share: resolve staged records, register the maps.

After :func:`resolve_records` the session holds `<entity>_map` (`source, source_record_id,
<entity>_id, name, match_key`) and `<entity>_names` (`entity_id, name`: the display
names), the crosswalk rows are written, and so is the evidence of the resolution.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from greenroom.pipeline.jobs._tables import write_evidence, write_xref
from greenroom.pipeline.resolution import Entity, Resolution, resolve, survivorship

if TYPE_CHECKING:
    from greenroom.pipeline.job import JobContext


def replace_column(table: pa.Table, name: str, values: pa.Array | pa.ChunkedArray) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, values)


def resolve_records(ctx: JobContext, entity: Entity, staged: pa.Table) -> Resolution:
    result = resolve(entity, staged)
    mapping = survivorship.entity_map(staged, result.clusters)
    ctx.register(f"{entity}_names", survivorship.display_names(mapping))
    ctx.register(
        f"{entity}_map",
        mapping.rename_columns(["source", "source_record_id", f"{entity}_id", "name", "match_key"]),
    )
    write_xref(ctx, entity, mapping)
    write_evidence(ctx, entity, result)
    return result


def counts(staged: pa.Table, result: Resolution) -> dict[str, int]:
    linked = result.pairs.filter(result.pairs["linked"]).num_rows
    entities = len(set(result.clusters["entity_id"].to_pylist()))
    return {"records": staged.num_rows, "entities": entities, "linked_pairs": linked}
