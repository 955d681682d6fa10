"""A consumer process for the crash tests: local stream → SQLite sale sink, until idle.

    python -m tests.ingest.stream._consumer_proc STREAM_DIR SINK_DB BATCH [CRASH]

Prints `ready` once set up, then consumes. CRASH makes it SIGKILL itself at an exact
point: `after-commit:N` (the Nth batch is in the sink, its checkpoint not yet written) or
`before-replace:N` (the Nth checkpoint file is written but not yet moved into place).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from greenroom.ingest.stream import Consumer, FileCheckpointStore, LocalStream, StreamRecord
from greenroom.ingest.stream.sink import SqliteSaleSink, sink_handler


def _dies_on_call(n: int, fn: Callable[..., Any]) -> Callable[..., Any]:
    calls = [0]

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == n:
            os.kill(os.getpid(), signal.SIGKILL)
        return fn(*args, **kwargs)

    return wrapped


def main() -> None:
    stream_dir, sink_db, batch = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    kind, _, nth = (sys.argv[4] if len(sys.argv) > 4 else "").partition(":")
    stream = LocalStream(stream_dir, create=False)
    commit = sink_handler(SqliteSaleSink(sink_db))
    after_commit = _dies_on_call(int(nth) if kind == "after-commit" else 0, lambda: None)

    def handle(records: list[StreamRecord]) -> None:
        commit(records)
        after_commit()

    if kind == "before-replace":
        os.replace = _dies_on_call(int(nth), os.replace)
    checkpoints = FileCheckpointStore(stream_dir / "checkpoints")
    consumer = Consumer(stream, checkpoints, "bronze", handle, batch)
    print("ready", flush=True)
    stats = consumer.run(until_idle=True)
    print(json.dumps({"records": stats.records, "batches": stats.batches}), flush=True)


if __name__ == "__main__":
    main()
