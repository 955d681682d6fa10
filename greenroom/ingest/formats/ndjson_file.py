"""Newline-delimited JSON: one record per line, types as JSON gives them. Streamed."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.json as pajson

from greenroom.ingest.exceptions import BadFileError

BLOCK_BYTES = 64 << 20


def read_ndjson(
    path: Path, encoding: str = "utf-8", text_fields: Sequence[str] = ()
) -> Iterator[pa.Table]:
    """`text_fields` stay strings as received (dates: Arrow would otherwise guess a type
    from the first block and fail on a later one)."""
    if encoding == "latin-1":
        yield from _transcoded(path, encoding, text_fields)
        return
    parse = pajson.ParseOptions(
        explicit_schema=pa.schema([(name, pa.string()) for name in text_fields]),
        unexpected_field_behavior="infer",
    )
    try:
        reader = pajson.open_json(
            path, read_options=pajson.ReadOptions(block_size=BLOCK_BYTES), parse_options=parse
        )
        for batch in reader:
            yield pa.Table.from_batches([batch])
    except pa.ArrowInvalid as exc:
        detail = str(exc).strip().splitlines()[0]
        raise BadFileError(
            f"`{path.name}` is not valid NDJSON ({detail}); every line must be one JSON object "
            "with the same type per field — the file may be truncated"
        ) from None


def _transcoded(path: Path, encoding: str, text_fields: Sequence[str]) -> Iterator[pa.Table]:
    """JSON is UTF-8 by definition: re-encode a Latin-1 export chunk by chunk first."""
    with tempfile.TemporaryDirectory(prefix="greenroom-") as tmp:
        utf8 = Path(tmp) / path.name
        with path.open("r", encoding=encoding) as src, utf8.open("w", encoding="utf-8") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        yield from read_ndjson(utf8, text_fields=text_fields)
