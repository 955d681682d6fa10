"""A JSON document holding an array of records (a partner API page or export)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from greenroom.ingest.exceptions import BadFileError


def read_json_document(
    path: Path, record_path: tuple[str, ...], encoding: str = "utf-8"
) -> Iterator[pa.Table]:
    try:
        doc: Any = json.loads(path.read_text(encoding=encoding))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadFileError(
            f"`{path.name}` is not valid JSON ({exc}); the file may be truncated — re-fetch it"
        ) from None
    where = ".".join(record_path)
    for key in record_path:
        if not isinstance(doc, dict) or key not in doc:
            raise BadFileError(f"`{path.name}` has no `{where}` array; is it the right feed?")
        doc = doc[key]
    if not isinstance(doc, list):
        raise BadFileError(f"`{path.name}`: `{where}` is not an array of records")
    yield records_to_arrow(doc)


def records_to_arrow(records: list[Any]) -> pa.Table:
    """Arrow from JSON records, with keys made column-safe (`sort-name` → `sort_name`).

    Columns are the union of every record's keys (a key absent from a record reads as
    null there); `Table.from_pylist` would take only the first record's keys.
    """
    if not records:
        return pa.table({})
    return pa.Table.from_struct_array(pa.array([_safe_keys(r) for r in records]))


def _safe_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k.replace("-", "_"): _safe_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_safe_keys(v) for v in value]
    return value
