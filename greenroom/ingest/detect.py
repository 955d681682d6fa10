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


class Utf8Check:
    """Whether a byte stream fed chunk by chunk is valid UTF-8 (a character may straddle two
    chunks), without holding more than one chunk."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.valid = True

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if not self.valid:
            return
        if chunk.isascii() and not self._decoder.getstate()[0]:
            return  # ASCII is UTF-8, and no character is left half-read: skip decoding
        try:
            self._decoder.decode(chunk, final=final)
        except UnicodeDecodeError:
            self.valid = False


def detect_encoding(path: Path, utf8: bool | None = None) -> Encoding:
    """UTF-8 with a BOM, UTF-8, or else Latin-1 (which decodes any byte sequence).

    The whole file is checked for UTF-8 validity in chunks, so a Latin-1 byte far into a
    large file is still noticed without reading the file into memory; a caller that has
    already checked it (while copying the file) passes the answer as `utf8`.
    """
    with path.open("rb") as fh:
        if fh.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        if utf8 is None:
            fh.seek(0)
            check = Utf8Check()
            while chunk := fh.read(1 << 20):
                check.feed(chunk)
            check.feed(b"", final=True)
            utf8 = check.valid
    return "utf-8" if utf8 else "latin-1"


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


def detect(path: Path, expected: Format, utf8: bool | None = None) -> Detected:
    """The file's format and encoding; a clear error when the format is not the feed's."""
    encoding = detect_encoding(path, utf8)
    found = detect_format(path, encoding)
    if found != expected:
        raise BadFileError(
            f"`{path.name}` looks like {found.upper()} but this feed takes {expected.upper()}; "
            "check `--source`"
        )
    return Detected(found, encoding)
