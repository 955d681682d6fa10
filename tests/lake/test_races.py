"""Creating a fresh lake from many threads or processes at once: every creator succeeds.

The SQL catalog's own tables, the namespaces and the tables are each created by a check
followed by an insert; whoever loses the race between the two must carry on with what
the winner made.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pyarrow as pa
import pytest

from greenroom.config import Settings
from greenroom.lake import Lakehouse

REPO = Path(__file__).resolve().parents[2]
CREATORS = 8
ROUNDS = 4
BASE = pa.schema([("id", pa.int64()), ("name", pa.string())])


def _schema(i: int) -> pa.Schema:
    """Half the creators know one more column: the losers of the create add it."""
    return BASE.append(pa.field("extra", pa.float64())) if i % 2 else BASE


def _create(settings: Settings, i: int) -> None:
    lake = Lakehouse.open(settings, create=True)
    lake.create_table("bronze.raced", _schema(i), evolve=True)
    lake.create_table(f"quarantine.raced_{i % 2}", BASE)


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_threads_creating_one_fresh_lake(tmp_path: Path, round_: int) -> None:
    settings = Settings(home=tmp_path / f"home-{round_}")
    start = threading.Barrier(CREATORS)
    errors: list[BaseException] = []

    def creator(i: int) -> None:
        start.wait()
        try:
            _create(settings, i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=creator, args=(i,)) for i in range(CREATORS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    lake = Lakehouse.open(settings)
    assert lake.schema("bronze.raced").names == ["id", "name", "extra"]
    assert {t.name for t in lake.list_tables()} >= {
        "bronze.raced",
        "quarantine.raced_0",
        "quarantine.raced_1",
    }


CREATOR_SCRIPT = """
import sys, time
from greenroom.config import Settings
from tests.lake.test_races import _create
settings = Settings(home=sys.argv[1])
go = float(sys.argv[3])
while time.time() < go:
    time.sleep(0.001)
_create(settings, int(sys.argv[2]))
"""


@pytest.mark.integration
def test_processes_creating_one_fresh_lake(tmp_path: Path) -> None:
    import time

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    go = time.time() + 3.0  # after every interpreter has imported greenroom
    home = tmp_path / "home"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CREATOR_SCRIPT, str(home), str(i), str(go)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(CREATORS)
    ]
    failures = []
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        if proc.returncode:
            failures.append(err.strip().splitlines()[-1:])
    assert failures == []
    assert Lakehouse.open(Settings(home=home)).schema("bronze.raced").names == [
        "id",
        "name",
        "extra",
    ]
