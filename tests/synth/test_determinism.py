"""Same seed, scale, date and rates: byte-identical files."""

from __future__ import annotations

import hashlib
from pathlib import Path

from greenroom.synth import generate


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_inputs_give_identical_bytes(world: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, "tiny")
    first, second = _hashes(world), _hashes(again)
    assert len(first) > 20
    assert first == second


def test_seed_changes_the_world_and_rates_do_not(
    world: Path, clean_world: Path, tmp_path: Path
) -> None:
    other = tmp_path / "seed8"
    generate(other, "tiny", seed=8)
    assert _hashes(other)["truth/sales.parquet"] != _hashes(world)["truth/sales.parquet"]
    for name in ("artists", "venues", "concerts", "customers", "sales", "totals"):
        rel = f"truth/{name}.parquet"
        assert _hashes(world)[rel] == _hashes(clean_world)[rel], f"defect rates changed {rel}"
