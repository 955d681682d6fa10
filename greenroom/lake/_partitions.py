"""Partition specs from `(column, transform)` pairs such as `("event_date", "month")`."""

from __future__ import annotations

from collections.abc import Sequence

from pyiceberg.table import Transaction
from pyiceberg.transforms import UnknownTransform, parse_transform

from greenroom.lake.exceptions import InvalidPartitionError

_KNOWN = "identity, year, month, day, hour, bucket[N], truncate[W]"


def add_partition_fields(
    txn: Transaction, table: str, partition_by: Sequence[tuple[str, str]]
) -> None:
    """Add one partition field per item to the spec of the table being created in `txn`."""
    columns = set(txn.table_metadata.schema().column_names)
    with txn.update_spec() as spec:
        for column, transform_text in partition_by:
            if column not in columns:
                raise InvalidPartitionError(
                    f"partition column `{column}` is not in `{table}`; pick one of its columns"
                )
            try:
                transform = parse_transform(transform_text)
                if isinstance(transform, UnknownTransform):
                    raise ValueError(transform_text)
            except (ValueError, TypeError):
                raise InvalidPartitionError(
                    f"partition transform `{transform_text}` for `{table}` is unknown; use one of {_KNOWN}"
                ) from None
            try:
                spec.add_field(column, transform, _field_name(column, transform_text))
            except ValueError as exc:
                raise InvalidPartitionError(
                    f"cannot partition `{table}` by `{transform_text}({column})`: {exc}"
                ) from None


def _field_name(column: str, transform: str) -> str:
    base = transform.split("[", 1)[0]
    return column if base == "identity" else f"{column}_{base}"
