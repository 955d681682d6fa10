"""The file processor: raw zone byte for byte, once per content, streamed, corrupt files
rejected whole, encodings detected, and counts that add up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from greenroom.config import Settings
from greenroom.ingest import batches
from greenroom.ingest.exceptions import BadFileError
from greenroom.ingest.feeds import get_feed
from greenroom.ingest.files import process_file_upload
from greenroom.ingest.formats import csv_file, read_file
from greenroom.lake import Lakehouse

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from greenroom import synth

    out = tmp_path_factory.mktemp("world")
    synth.generate(out, scale="tiny", seed=3)
    return out


def src(world: Path, rel: str) -> Path:
    return world / "sources" / rel


def ingest(lake: Lakehouse, settings: Settings, path: Path, feed: str) -> batches.IngestionResult:
    return process_file_upload(lake, settings, path, feed)


def test_counts_add_up_and_raw_is_byte_identical(
    world: Path, lake: Lakehouse, lake_settings: Settings
) -> None:
    path = src(world, "venue_registry/venues.csv")
    result = ingest(lake, lake_settings, path, "venue_registry")
    assert result.received == result.accepted + result.quarantined > 0
    assert result.raw_path is not None
    assert Path(result.raw_path).read_bytes() == path.read_bytes()
    assert lake.read("bronze.venue_registry").num_rows == result.accepted
    recorded = lake.read("ops.ingestion_batches").to_pylist()
    assert [(r["received"], r["accepted"], r["quarantined"]) for r in recorded] == [
        (result.received, result.accepted, result.quarantined)
    ]
    bronze = lake.read("bronze.venue_registry")
    for column in ("_source", "_batch_id", "_ingested_at", "_record_hash"):
        assert bronze.column(column).null_count == 0
    assert set(bronze.column("_batch_id").to_pylist()) == {result.batch_id}


def test_same_content_is_never_ingested_twice(
    world: Path, tmp_path: Path, lake: Lakehouse, lake_settings: Settings
) -> None:
    path = src(world, "venue_registry/venues.csv")
    first = ingest(lake, lake_settings, path, "venue_registry")
    renamed = tmp_path / "registry-export-copy.csv"
    renamed.write_bytes(path.read_bytes())
    again = ingest(lake, lake_settings, renamed, "venue_registry")
    assert again.duplicate and again.batch_id == first.batch_id
    assert lake.read("bronze.venue_registry").num_rows == first.accepted
    assert len(lake.snapshots("bronze.venue_registry")) == 1


@pytest.mark.parametrize(
    ("rel", "feed", "cut"),
    [
        ("box_office_sales/sales-2025.csv", "box_office_sales", 0.6),
        ("promoter_concerts/concerts.xml", "promoter_concerts", 0.5),
        ("ticketmaster_events/events.json", "ticketmaster_events", 0.5),
        ("online_orders/orders-2025.ndjson", "online_orders", 0.5),
    ],
)
def test_truncated_file_is_rejected_whole(
    world: Path, tmp_path: Path, lake: Lakehouse, lake_settings: Settings,
    rel: str, feed: str, cut: float,
) -> None:  # fmt: skip
    data = src(world, rel).read_bytes()
    broken = tmp_path / Path(rel).name
    broken.write_bytes(data[: int(len(data) * cut)] + b'"\x00')
    with pytest.raises(BadFileError, match="truncated"):
        ingest(lake, lake_settings, broken, feed)
    assert not lake.exists(f"bronze.{feed}") or lake.read(f"bronze.{feed}").num_rows == 0
    assert not lake.exists(f"quarantine.{feed}") or lake.read(f"quarantine.{feed}").num_rows == 0
    assert batches.find(lake, f"{feed}-x") is None
    assert not lake.exists("ops.ingestion_batches")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "latin-1"])
def test_encodings_are_detected(
    world: Path, tmp_path: Path, lake: Lakehouse, lake_settings: Settings, encoding: str
) -> None:
    text = src(world, "venue_registry/venues.csv").read_text(encoding="utf-8")
    text = text.encode("latin-1", errors="replace").decode("latin-1")  # keep it encodable
    extra = '"R-ENC-1","Théâtre Müller","1 Rue","Köln","NRW","Germany","50.9","6.9","900","club","bar","1990-01-01"\n'
    path = tmp_path / "venues.csv"
    path.write_text(text + extra, encoding=encoding)
    ingest(lake, lake_settings, path, "venue_registry")
    with lake.session() as session:
        rows = session.sql(
            "SELECT venue_name, city FROM bronze.venue_registry WHERE registry_id = 'R-ENC-1'"
        ).to_pylist()
    assert rows == [{"venue_name": "Théâtre Müller", "city": "Köln"}]


def test_wrong_format_for_the_feed_is_a_clear_error(
    world: Path, lake: Lakehouse, lake_settings: Settings
) -> None:
    with pytest.raises(BadFileError, match="looks like XML but this feed takes CSV"):
        ingest(lake, lake_settings, src(world, "promoter_concerts/concerts.xml"), "venue_registry")


def test_large_files_are_streamed_in_blocks(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_file, "BLOCK_BYTES", 4096)
    path = src(world, "box_office_sales/sales-2025.csv")
    tables = list(read_file(path, get_feed("box_office_sales")))
    assert len(tables) > 3
    assert max(t.num_rows for t in tables) < sum(t.num_rows for t in tables) / 3


def test_quarantine_rows_carry_reasons_and_payload(
    world: Path, lake: Lakehouse, lake_settings: Settings
) -> None:
    for feed in ("crm_customers", "promoter_concerts"):
        for rel in sorted((world / "sources" / feed).iterdir()):
            ingest(lake, lake_settings, rel, feed)
    path = src(world, "box_office_sales/sales-2025.csv")
    result = ingest(lake, lake_settings, path, "box_office_sales")
    assert result.quarantined > 0
    rows = lake.read("quarantine.box_office_sales").to_pylist()
    assert len(rows) == result.quarantined
    for row in rows:
        assert row["reasons"] and all(r.startswith("box_office_sales.") for r in row["reasons"])
        assert json.loads(row["payload"])["transaction_id"] == row["source_record_id"]
        assert row["_batch_id"] == result.batch_id


def test_mojibake_is_repaired_in_bronze_and_flagged(
    tmp_path: Path, lake: Lakehouse, lake_settings: Settings
) -> None:
    header = "registry_id,venue_name,street,city,region,country,latitude,longitude,capacity,venue_type,amenities,opened\n"
    rows = (
        '"VR-1","ZÃ¼rich Arena","1 Road","ZÃ¼rich","ZH","Switzerland","47.37","8.54","9000","arena","bar","2001-02-03"\n'
        '"VR-2","Plain Hall","2 Road","Bern","BE","Switzerland","46.94","7.44","800","club","bar","2001-02-03"\n'
    )
    path = tmp_path / "venues.csv"
    path.write_text(header + rows, encoding="utf-8")
    result = ingest(lake, lake_settings, path, "venue_registry")
    assert result.accepted == 2
    bronze = {r["registry_id"]: r for r in lake.read("bronze.venue_registry").to_pylist()}
    assert bronze["VR-1"]["venue_name"] == "Zürich Arena"
    assert bronze["VR-1"]["city"] == "Zürich"
    assert sorted(bronze["VR-1"]["_warnings"]) == [
        "venue_registry.city.encoding_repaired",
        "venue_registry.venue_name.encoding_repaired",
    ]
    assert bronze["VR-2"]["_warnings"] == []
    assert "ZÃ¼rich" in Path(str(result.raw_path)).read_text(encoding="utf-8")


@pytest.mark.integration
def test_two_processes_ingesting_into_one_table_both_land(
    world: Path, lake: Lakehouse, lake_settings: Settings
) -> None:
    import os
    import subprocess
    import sys

    for feed in ("crm_customers", "venue_registry", "promoter_concerts"):
        for rel in sorted((world / "sources" / feed).iterdir()):
            ingest(lake, lake_settings, rel, feed)
    files = sorted((world / "sources" / "box_office_sales").iterdir())[:2]
    env = {**os.environ, "GREENROOM_HOME": str(lake_settings.home)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "greenroom",
                "ingest",
                "file",
                str(f),
                "--source",
                "box_office_sales",
                "--json",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    results = [json.loads(out) for out, _ in outputs]
    assert lake.read("bronze.box_office_sales").num_rows == sum(r["accepted"] for r in results)
    recorded = {r["batch_id"] for r in lake.read("ops.ingestion_batches").to_pylist()}
    assert {r["batch_id"] for r in results} <= recorded
