"""Removing records from files of the raw zone (right to erasure), one file at a time.

The raw zone keeps files as received; erasure is the one exception. A file is rewritten
without the records that `match`, through a temporary file renamed over it (a reader sees
the old or the new file, never half of one). Kept records keep their exact bytes in CSV
and NDJSON files (a CSV header stays); JSON documents and XML feeds are parsed, the
matching items of their record list dropped, and written back.

Text is decoded as UTF-16 when the file starts with its byte-order mark and as Latin-1
otherwise: Latin-1 maps every byte to one character, so any ASCII-compatible encoding
(UTF-8, CP-1252, …) round-trips byte for byte.
"""

from __future__ import annotations

import csv
import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

Match = Callable[[str], bool]


def redact_file(path: Path, match: Match, dry_run: bool = False) -> int:
    """Rewrite `path` without the records `match` finds; how many were (with `dry_run`:
    would be) removed."""
    raw = path.read_bytes()
    codec = "utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "latin-1"
    text = raw.decode(codec)
    if not match(text):
        return 0
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        kept, removed = _csv(text, match)
    elif suffix in (".ndjson", ".jsonl"):
        kept, removed = _lines(text, match)
    elif suffix == ".json":
        kept, removed = _json(text, match)
    elif suffix == ".xml":
        kept, removed = _xml(text, match)
    else:
        kept, removed = _lines(text, match)
    if removed and not dry_run:
        _replace(path, kept.encode(codec))
    return removed


def _csv(text: str, match: Match) -> tuple[str, int]:
    lines = text.splitlines(keepends=True)
    reader = csv.reader(lines)
    out: list[str] = []
    removed, consumed = 0, 0
    for row_no, _row in enumerate(reader):
        record = "".join(lines[consumed : reader.line_num])
        consumed = reader.line_num
        if row_no > 0 and match(record):
            removed += 1
        else:
            out.append(record)
    out.extend(lines[consumed:])
    return "".join(out), removed


def _lines(text: str, match: Match) -> tuple[str, int]:
    lines = text.splitlines(keepends=True)
    kept = [line for line in lines if not match(line)]
    return "".join(kept), len(lines) - len(kept)


def _json(text: str, match: Match) -> tuple[str, int]:
    doc = json.loads(text)
    removed = 0

    def prune(node: Any) -> Any:
        nonlocal removed
        if isinstance(node, list):
            kept = [item for item in node if not match(json.dumps(item, ensure_ascii=False))]
            removed += len(node) - len(kept)
            return [prune(item) for item in kept]
        if isinstance(node, dict):
            return {k: prune(v) for k, v in node.items()}
        return node

    pruned = prune(doc)
    if match(json.dumps(pruned, ensure_ascii=False)):  # outside any list: the whole file
        return "", removed + 1
    return json.dumps(pruned, ensure_ascii=False, indent=2) + "\n", removed


def _xml(text: str, match: Match) -> tuple[str, int]:
    root = ET.fromstring(text)
    doomed = [child for child in root if match(ET.tostring(child, encoding="unicode"))]
    for child in doomed:
        root.remove(child)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n", len(doomed)


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.erase.tmp")
    try:
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
