"""Readers, one per file format: each turns a file into an Arrow table shaped as the source
shapes it (CSV and XML fields stay text; JSON keeps its own types)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from greenroom.ingest.formats.csv_file import read_csv
from greenroom.ingest.formats.json_document import read_json_document
from greenroom.ingest.formats.ndjson_file import read_ndjson
from greenroom.ingest.formats.xml_feed import read_promoter_xml

if TYPE_CHECKING:
    import pyarrow as pa

    from greenroom.ingest.feeds import Feed


def read_file(path: Path, feed: Feed) -> pa.Table:
    """Read one source file of `feed` into Arrow."""
    match feed.format:
        case "csv":
            return read_csv(path)
        case "json":
            return read_json_document(path, feed.record_path)
        case "ndjson":
            return read_ndjson(path)
        case "xml":
            return read_promoter_xml(path)


__all__ = ["read_csv", "read_file", "read_json_document", "read_ndjson", "read_promoter_xml"]
