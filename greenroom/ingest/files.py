"""The file processor: land a source file in the raw zone byte for byte, then validate and
load it into bronze and quarantine.

The file's batch id comes from its content hash, so the same content is never ingested
twice (under any name). Format and encoding are detected; the file is streamed, never held
whole in memory; a truncated or corrupt file is rejected as a whole and nothing from it is
committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from greenroom.ingest import batches
from greenroom.ingest.batches import IngestionResult
from greenroom.ingest.detect import Utf8Check, detect
from greenroom.ingest.exceptions import BadFileError
from greenroom.ingest.feeds import get_feed
from greenroom.ingest.formats import read_file
from greenroom.ingest.loader import load_batches
from greenroom.lake.exceptions import CommitConflictError

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse


COMMIT_ATTEMPTS = 5
CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    utf8: bool
    """Every byte sequence of the file is valid UTF-8."""


def fingerprint(path: Path) -> Fingerprint:
    """The file's content hash and whether it is UTF-8, in one read of the file."""
    digest = hashlib.sha256()
    utf8 = Utf8Check()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            digest.update(chunk)
            utf8.feed(chunk)
    utf8.feed(b"", final=True)
    return Fingerprint(digest.hexdigest(), utf8.valid)


def raw_location(settings: Settings, feed: str, batch_id: str, suffix: str, day: dt.date) -> Path:
    """`<home>/raw/<feed>/<arrival date>/<batch id><ext>`: the layout an S3 landing zone uses."""
    return settings.raw_dir / feed / day.isoformat() / f"{batch_id}{suffix}"


def process_file_upload(
    lake: Lakehouse, settings: Settings, path: Path, feed_name: str
) -> IngestionResult:
    """The seed's `process_file_upload`: ingest one file of `feed_name`, once per content."""
    feed = get_feed(feed_name)
    if not path.is_file():
        raise BadFileError(f"`{path}` is not a readable file; check the path")
    started = time.perf_counter()
    content = fingerprint(path)
    sha = content.sha256
    batch_id = f"{feed.name}-{sha[:16]}"
    seen = batches.find(lake, batch_id)
    if seen is not None:
        return seen

    detected = detect(path, feed.format, content.utf8)
    at = dt.datetime.now(dt.UTC)
    raw = raw_location(settings, feed.name, batch_id, path.suffix, at.date())
    raw.parent.mkdir(parents=True, exist_ok=True)
    if not raw.exists():
        tmp = raw.with_suffix(raw.suffix + ".part")
        shutil.copyfile(path, tmp)
        tmp.replace(raw)

    # A streamed commit cannot be replayed by the lake itself; the raw copy can: when another
    # writer wins the race for the table, the whole batch is read and committed again (each
    # write replaces the batch's rows, so a retry never doubles them).
    for attempt in Retrying(
        retry=retry_if_exception_type(CommitConflictError),
        stop=stop_after_attempt(COMMIT_ATTEMPTS),
        wait=wait_random_exponential(multiplier=0.2, max=5),
        reraise=True,
    ):
        with attempt:
            stats = load_batches(
                lake, feed, read_file(raw, feed, detected.encoding), batch_id=batch_id, at=at
            )
    result = IngestionResult(
        batch_id=batch_id,
        feed=feed.name,
        origin=path.name,
        received=stats.received,
        accepted=stats.accepted,
        quarantined=stats.quarantined,
        snapshot_id=stats.bronze_snapshot,
        seconds=time.perf_counter() - started,
        raw_path=str(raw),
        content_sha256=sha,
        bytes=path.stat().st_size,
        quarantine_snapshot_id=stats.quarantine_snapshot,
        ingested_at=at,
    )
    batches.record(lake, result)
    return result
