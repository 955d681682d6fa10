"""What the artists and venues jobs share: resolve staged records, register the maps.

After :func:`resolve_records` the session holds `<entity>_map` (`source, source_record_id,
<entity>_id, name, match_key`) and `<entity>_names` (`entity_id, name`: the display
names), the crosswalk rows are written, and so is the evidence of the resolution.
:func:`lineage` declares the column lineage of both maps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from greenroom.pipeline.jobs._tables import write_evidence, write_xref
from greenroom.pipeline.lineage import ColumnLineage
from greenroom.pipeline.resolution import COLUMNS, Entity, Resolution, resolve, survivorship

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


def lineage(entity: Entity) -> tuple[ColumnLineage, ColumnLineage]:
    """`<entity>_map`: the canonical id from every feature Splink compares, the repaired
    name and its key; `<entity>_names`: one display name per entity."""
    records = f"stg_{entity}s"
    entity_map = ColumnLineage(
        f"{entity}_map",
        code=resolve_records,
        columns={
            "source": (f"{records}.source",),
            "source_record_id": (f"{records}.source_record_id",),
            f"{entity}_id": tuple(f"{records}.{c}" for c in COLUMNS[entity]),
            "name": (f"{records}.name",),
            "match_key": (f"{records}.name",),
        },
        identity=frozenset({"source", "source_record_id"}),
    )
    names = ColumnLineage(
        f"{entity}_names",
        code=resolve_records,
        columns={
            "entity_id": (f"{entity}_map.{entity}_id",),
            "name": (f"{entity}_map.name", f"{entity}_map.source"),
        },
        identity=frozenset({"entity_id"}),
    )
    return entity_map, names


def counts(staged: pa.Table, result: Resolution) -> dict[str, int]:
    linked = result.pairs.filter(result.pairs["linked"]).num_rows
    entities = len(set(result.clusters["entity_id"].to_pylist()))
    return {"records": staged.num_rows, "entities": entities, "linked_pairs": linked}
