"""Newline-delimited JSON: one record per line, types as JSON gives them."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.json as pajson

from greenroom.ingest.exceptions import BadFileError


def read_ndjson(path: Path) -> pa.Table:
    try:
        return pajson.read_json(path, read_options=pajson.ReadOptions(block_size=16 << 20))
    except pa.ArrowInvalid as exc:
        raise BadFileError(
            f"`{path}` is not valid NDJSON ({exc}); every line must be one JSON object"
        ) from None
