"""Arrow data → Parquet data files for one commit (the write half of `_writes`).

Unpartitioned tables and streams go through pyiceberg's own writer. For a partitioned
`pa.Table`, pyiceberg 0.12 finds the partitions by filtering the whole table once per
distinct key (O(partitions x rows): 36 monthly partitions of 10M rows are ~36 full
scans). Here each chunk of rows is cut at its partition-key changes (sorted first when the keys
are not already clustered), and all partitions go to pyiceberg's parallel `write_file`
together.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyiceberg.io import FileIO
from pyiceberg.io.pyarrow import (
    _dataframe_to_data_files,
    bin_pack_arrow_table,
    pyarrow_to_schema,
    write_file,
)
from pyiceberg.manifest import DataFile
from pyiceberg.partitioning import PartitionFieldValue, PartitionKey
from pyiceberg.table import TableProperties, WriteTask
from pyiceberg.table.metadata import TableMetadata
from pyiceberg.utils.properties import property_as_int


def data_files(
    metadata: TableMetadata,
    io: FileIO,
    data: pa.Table | pa.RecordBatchReader,
    write_uuid: uuid.UUID,
    counter: itertools.count[int],
) -> Iterator[DataFile]:
    """Write `data` (already conformed to the table schema) as data files of the table."""
    if isinstance(data, pa.Table) and data.num_rows == 0:
        return  # nothing to write (pyiceberg's bin packing divides by the row count)
    if isinstance(data, pa.RecordBatchReader) or metadata.spec().is_unpartitioned():
        yield from _dataframe_to_data_files(
            table_metadata=metadata, df=data, io=io, write_uuid=write_uuid, counter=counter
        )
        return
    target = property_as_int(
        metadata.properties,
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT,
    )
    schema = metadata.schema()
    task_schema = pyarrow_to_schema(
        data.schema, name_mapping=schema.name_mapping, format_version=metadata.format_version
    )
    spec = metadata.spec()
    tasks = (
        WriteTask(
            write_uuid=write_uuid,
            task_id=next(counter),
            record_batches=batches,
            partition_key=PartitionKey(
                field_values=[
                    PartitionFieldValue(field=f, value=v)
                    for f, v in zip(spec.fields, values, strict=True)
                ],
                partition_spec=spec,
                schema=schema,
            ),
            schema=task_schema,
        )
        for values, part in partition_slices(data, metadata)
        for batches in bin_pack_arrow_table(part, target or 0)
    )
    yield from write_file(io=io, table_metadata=metadata, tasks=tasks)


def partition_slices(
    data: pa.Table, metadata: TableMetadata
) -> Iterator[tuple[list[object], pa.Table]]:
    """(partition values, rows) pairs, one per partition present in `data`.

    Works on row chunks of `SLICE_ROWS` so the gather stays cache-friendly; a chunk whose
    keys already come in few runs (data ordered by time, say) is sliced without a copy.
    """
    spec, schema = metadata.spec(), metadata.schema()
    groups: dict[tuple[object, ...], list[pa.Table]] = {}
    for start in range(0, data.num_rows, SLICE_ROWS):
        chunk = data.slice(start, SLICE_ROWS)
        keys = pa.table(
            {
                f"k{i}": field.transform.pyarrow_transform(
                    schema.find_field(field.source_id).field_type
                )(chunk.column(schema.find_field(field.source_id).name).combine_chunks())
                for i, field in enumerate(spec.fields)
            }
        )
        for values, rows in _runs(chunk, keys):
            groups.setdefault(values, []).append(rows)
    for values, pieces in groups.items():
        yield list(values), pieces[0] if len(pieces) == 1 else pa.concat_tables(pieces)


SLICE_ROWS = 1 << 20
MAX_RUNS = 256  # more key runs than this in a chunk: sort the chunk instead of slicing


def _runs(chunk: pa.Table, keys: pa.Table) -> Iterator[tuple[tuple[object, ...], pa.Table]]:
    bounds = _run_bounds(keys)
    if len(bounds) - 1 > MAX_RUNS:
        order = pc.sort_indices(keys, sort_keys=[(k, "ascending") for k in keys.column_names])
        keys, chunk = keys.take(order), chunk.take(order)
        bounds = _run_bounds(keys)
    for start, stop in itertools.pairwise(bounds):
        values = tuple(column[start].as_py() for column in keys.columns)
        yield values, chunk.slice(start, stop - start)


def _run_bounds(keys: pa.Table) -> list[int]:
    """Row positions where any key changes (null equals null), framed by 0 and n."""
    n = keys.num_rows
    changed = np.zeros(max(n - 1, 0), dtype=bool)
    for column in keys.columns:
        values = column.combine_chunks()
        cur, prev = values.slice(1), values.slice(0, n - 1)
        same = pc.or_(
            pc.fill_null(pc.equal(cur, prev), False),
            pc.and_(pc.is_null(cur), pc.is_null(prev)),
        )
        changed |= ~same.to_numpy(zero_copy_only=False)
    return [0, *(np.flatnonzero(changed) + 1).tolist(), n]
