"""The defect truth is exact: a strict consumer rejects precisely the `rejectable` records."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.synth.readers import rejected


def _truth(world: Path) -> set[tuple[str, str]]:
    rows = pq.read_table(world / "truth" / "defects.parquet").to_pylist()
    return {(r["source"], r["source_record_id"]) for r in rows if r["rejectable"]}


@pytest.mark.parametrize("which", ["world", "messy_world"])
def test_rejections_match_truth_exactly(which: str, request: pytest.FixtureRequest) -> None:
    world: Path = request.getfixturevalue(which)
    got, want = rejected(world), _truth(world)
    assert want, "the world should carry rejectable defects"
    assert got - want == set(), "clean or repairable records were rejected"
    assert want - got == set(), "rejectable records slipped through"


def test_clean_world_rejects_nothing(clean_world: Path) -> None:
    assert rejected(clean_world) == set()
    assert pq.read_table(clean_world / "truth" / "defects.parquet").num_rows == 0
