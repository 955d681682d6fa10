"""CSV as received: every field is text, empty fields are null. Streamed in blocks."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from greenroom.ingest.exceptions import BadFileError

BLOCK_BYTES = 64 << 20


def read_csv(path: Path, encoding: str = "utf-8") -> Iterator[pa.Table]:
    with path.open(encoding=encoding, newline="") as fh:
        header = next(csv.reader(fh), None)
    if not header:
        raise BadFileError(
            f"`{path.name}` is empty or has no header row; expected CSV with a header"
        )
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                encoding="utf8" if encoding.startswith("utf-8") else encoding,
                block_size=BLOCK_BYTES,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
        for batch in reader:
            yield pa.Table.from_batches([batch])
    except pa.ArrowInvalid as exc:
        raise BadFileError(
            f"`{path.name}` is not valid CSV ({_first_line(exc)}); the file may be truncated — "
            "re-export it"
        ) from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]
