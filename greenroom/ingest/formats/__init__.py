"""Readers, one per file format. Each streams a file as Arrow tables of bounded size,
shaped as the source shapes it (CSV and XML fields stay text; JSON keeps its own types),
and turns a truncated or corrupt file into a :class:`BadFileError`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from greenroom.ingest.formats.csv_file import read_csv
from greenroom.ingest.formats.json_document import read_json_document
from greenroom.ingest.formats.ndjson_file import read_ndjson
from greenroom.ingest.formats.xml_feed import read_promoter_xml

if TYPE_CHECKING:
    import pyarrow as pa

    from greenroom.ingest.detect import Encoding
    from greenroom.ingest.feeds import Feed

BATCH_ROWS = 250_000


def text_fields(feed: Feed) -> list[str]:
    """Top-level fields the feed's contract declares as dates or timestamps."""
    from greenroom.quality.contract import load_contract

    return [
        p.name
        for p in load_contract(feed.name).table.properties
        if p.path is None and p.logical_type in ("date", "timestamp")
    ]


def read_file(path: Path, feed: Feed, encoding: Encoding = "utf-8") -> Iterator[pa.Table]:
    """Stream one source file of `feed` as Arrow tables."""
    match feed.format:
        case "csv":
            return read_csv(path, encoding)
        case "json":
            return read_json_document(path, feed.record_path, encoding)
        case "ndjson":
            return read_ndjson(path, encoding, text_fields(feed))
        case "xml":
            return read_promoter_xml(path, BATCH_ROWS)


__all__ = ["read_csv", "read_file", "read_json_document", "read_ndjson", "read_promoter_xml"]
