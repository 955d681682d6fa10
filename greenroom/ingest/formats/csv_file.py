"""CSV as received: every field is text, empty fields are null."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from greenroom.ingest.exceptions import BadFileError


def read_csv(path: Path) -> pa.Table:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), None)
    if not header:
        raise BadFileError(f"`{path}` is empty or has no header row; expected a CSV with a header")
    try:
        return pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except pa.ArrowInvalid as exc:
        raise BadFileError(f"`{path}` is not valid CSV ({exc}); fix or re-export the file") from None
