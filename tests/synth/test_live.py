"""``live_events``: new stream events that continue a generated world."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from greenroom.synth import SynthError, TruthDirError, live_events, stream_event_lines
from greenroom.synth.live import LIVE_SCHEMA
from tests.synth.readers import feed_paths, read_feed


def test_live_events_shape_replays_and_targets(world: Path) -> None:
    events = live_events(world / "truth", 500, seed=1)
    assert events.schema == LIVE_SCHEMA and events.num_rows == 500
    ids = events["event_id"].to_pylist()
    assert len(ids) - len(set(ids)) == 10, "2% replays repeat an earlier event exactly"
    recorded = {r["sale_id"] for r in read_feed(world, "stream_sales")}
    assert not recorded & set(events["sale_id"].to_pylist())
    concerts = pq.read_table(world / "truth" / "concerts.parquet")
    listed = concerts.filter(pc.is_valid(concerts["ticketmaster_event_id"]))
    show = dict(
        zip(
            listed["ticketmaster_event_id"].to_pylist(),
            listed["event_date"].to_pylist(),
            strict=True,
        )
    )
    status = dict(
        zip(listed["ticketmaster_event_id"].to_pylist(), listed["status"].to_pylist(), strict=True)
    )
    start = dt.datetime(2026, 6, 30, tzinfo=dt.UTC)
    for row in events.to_pylist():
        assert status[row["event_ref"]] == "scheduled"
        assert (
            start <= row["occurred_at"] <= row["emitted_at"]
            and row["occurred_at"] < show[row["event_ref"]]
        )
        assert (
            row["partition_key"] == row["event_ref"]
            and 1 <= row["quantity"] <= 8
            and row["unit_price"] > 0
        )
    emitted = events["emitted_at"].cast("int64").to_pylist()
    occurred = events["occurred_at"].cast("int64").to_pylist()
    assert occurred != sorted(occurred), "some events are out of order"
    assert emitted[:490] != sorted(occurred[:490])


def test_live_events_are_deterministic_per_seed(world: Path) -> None:
    a = live_events(world / "truth", 200, seed=3)
    assert a.equals(live_events(world / "truth", 200, seed=3))
    assert not a.equals(live_events(world / "truth", 200, seed=4))
    later = live_events(world / "truth", 50, seed=3, start=dt.datetime(2026, 8, 1, 12, 0))
    assert min(later["occurred_at"].to_pylist()) >= dt.datetime(2026, 8, 1, 12, 0, tzinfo=dt.UTC)
    assert live_events(world / "truth", 0).num_rows == 0


def test_lines_use_the_recorded_format(world: Path) -> None:
    lines = feed_paths(world, "stream_sales")[0].read_text("utf-8").splitlines()
    parsed = [json.loads(x) for x in lines[:300]]
    keep = [i for i, p in enumerate(parsed) if len(p) == 12 and p["unit_price"] > 0]
    table = pa.Table.from_pylist(
        [
            {
                **parsed[i],
                "occurred_at": dt.datetime.fromisoformat(parsed[i]["occurred_at"]),
                "emitted_at": dt.datetime.fromisoformat(parsed[i]["emitted_at"]),
            }
            for i in keep
        ],
        schema=LIVE_SCHEMA,
    )
    assert len(keep) > 250
    assert stream_event_lines(table).to_pylist() == [lines[i] for i in keep]
    live = stream_event_lines(live_events(world / "truth", 20, seed=5))
    assert all(set(json.loads(x)) == set(parsed[0]) for x in live.to_pylist())


def test_live_events_errors(world: Path, tmp_path: Path) -> None:
    with pytest.raises(TruthDirError, match=r"concerts\.parquet"):
        live_events(tmp_path, 10, start=dt.datetime(2026, 1, 1))
    with pytest.raises(TruthDirError, match=r"manifest\.json"):
        live_events(tmp_path / "truth", 10)
    with pytest.raises(SynthError, match="count"):
        live_events(world / "truth", -1)
    with pytest.raises(SynthError, match="replay_rate"):
        live_events(world / "truth", 10, replay_rate=2.0)
    with pytest.raises(SynthError, match="no Ticketmaster concert"):
        live_events(world / "truth", 10, start=dt.datetime(2030, 1, 1))
