"""The contracts scored against the synthetic ground truth at demo scale: every record the
truth marks rejectable is quarantined, and nothing else is."""

from __future__ import annotations

from pathlib import Path

import pytest

from greenroom.config import Settings
from greenroom.lake import Lakehouse
from greenroom.quality.scoring import score_quarantine

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ingested_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Lakehouse, Path]:
    from greenroom import synth
    from greenroom.demo import ingest_world

    root = tmp_path_factory.mktemp("demo-ingest")
    settings = Settings(home=root / "home")
    world = root / "world"
    manifest = synth.generate(world, scale="demo", seed=5, today=settings.today)
    lake = Lakehouse.open(settings, create=True)
    ingest_world(lake, settings, world, manifest, lambda _s: None)
    return lake, world


def test_precision_and_recall_are_one(ingested_demo: tuple[Lakehouse, Path]) -> None:
    lake, world = ingested_demo
    per_kind, overall = score_quarantine(lake, world / "truth")
    rows = {r["defect"]: r for r in per_kind.to_pylist()}
    assert overall["rejectable"] > 100
    assert overall["precision"] == 1.0
    assert overall["recall"] == 1.0
    for kind in ("missing_required", "bad_date", "negative_price", "unknown_reference"):
        assert rows[kind]["records"] > 0, kind
        assert rows[kind]["recall"] == 1.0, kind
        assert rows[kind]["precision"] == 1.0, kind
    for kind in ("name_variant", "mojibake", "mixed_date_format", "replayed_event",
                 "wrong_coordinates", "local_currency"):  # fmt: skip
        assert rows[kind]["records"] > 0, kind
        assert rows[kind]["quarantined"] == 0, kind


def test_every_batch_conserves_counts(ingested_demo: tuple[Lakehouse, Path]) -> None:
    lake, _ = ingested_demo
    with lake.session() as session:
        bad = session.sql(
            "SELECT count(*) AS n FROM ops.ingestion_batches WHERE received <> accepted + quarantined"
        ).to_pylist()
        totals = session.sql(
            "SELECT feed, sum(accepted) AS accepted, sum(quarantined) AS quarantined "
            "FROM ops.ingestion_batches GROUP BY feed"
        ).to_pylist()
    assert bad == [{"n": 0}]
    for row in totals:
        assert lake.read(f"bronze.{row['feed']}").num_rows == row["accepted"]
        quarantined = (
            lake.read(f"quarantine.{row['feed']}").num_rows
            if lake.exists(f"quarantine.{row['feed']}")
            else 0
        )
        assert quarantined == row["quarantined"]
