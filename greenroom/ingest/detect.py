"""Sniff a file's format and text encoding from its first bytes."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from greenroom.ingest.exceptions import BadFileError
from greenroom.ingest.feeds import Format

Encoding = Literal["utf-8", "utf-8-sig", "latin-1"]
_SNIFF = 64 * 1024


@dataclass(frozen=True)
class Detected:
    format: Format
    encoding: Encoding


def detect_encoding(path: Path) -> Encoding:
    """UTF-8 with a BOM, UTF-8, or else Latin-1 (which decodes any byte sequence).

    The whole file is checked for UTF-8 validity in chunks, so a Latin-1 byte far into a
    large file is still noticed without reading the file into memory.
    """
    with path.open("rb") as fh:
        head = fh.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "latin-1"
    return "utf-8"


def detect_format(path: Path, encoding: Encoding) -> Format:
    with path.open("r", encoding=encoding, errors="replace") as fh:
        head = fh.read(_SNIFF).lstrip()
    if not head:
        raise BadFileError(f"`{path}` is empty; nothing to ingest")
    if head.startswith("<"):
        return "xml"
    if head.startswith("["):
        return "json"
    if head.startswith("{"):
        first, _, rest = head.partition("\n")
        if rest.lstrip().startswith("{") and first.rstrip().endswith("}"):
            return "ndjson"
        return "json"
    return "csv"


def detect(path: Path, expected: Format) -> Detected:
    """The file's format and encoding; a clear error when the format is not the feed's."""
    encoding = detect_encoding(path)
    found = detect_format(path, encoding)
    if found != expected:
        raise BadFileError(
            f"`{path.name}` looks like {found.upper()} but this feed takes {expected.upper()}; "
            "check `--source`"
        )
    return Detected(found, encoding)
