"""OpenLineage events: one NDJSON file per run by default, HTTP to a Marquez URL when set,
emitted after a run by `record_run_lineage` or the pipeline listener."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from greenroom.config import Settings
from greenroom.governance.lineage import LineageEmitError, LineageSettings, record_run_lineage
from greenroom.governance.lineage.events import run_uuid
from greenroom.governance.lineage.listener import LineageListener
from greenroom.governance.lineage.store import TABLE
from greenroom.lake import Lakehouse

pytestmark = pytest.mark.slow

SALE_FEEDS = {"bronze.box_office_sales", "bronze.online_orders", "bronze.stream_sales"}


def model_sql(name: str) -> str:
    from greenroom.pipeline.models import MODELS

    return next(m for m in MODELS if m.name == name).sql()


def events_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_file_transport_writes_a_start_and_a_complete_event_per_job(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    result = record_run_lineage(lake, lake_settings, "run-7", ["silver.ticket_sales"])
    path = lake_settings.home / "state" / "lineage" / "run-7.ndjson"
    assert result.destination == str(path) and result.events == 2
    start, complete = events_of(path)
    assert (start["eventType"], complete["eventType"]) == ("START", "COMPLETE")
    for event in (start, complete):
        assert event["job"] == {
            **event["job"],
            "namespace": "greenroom",
            "name": "silver.ticket_sales",
        }
        assert event["run"]["runId"] == run_uuid("run-7", "silver.ticket_sales")
        assert event["run"]["facets"]["parent"]["run"]["runId"] == run_uuid("run-7")
        assert event["outputs"][0]["name"] == "silver.ticket_sales"
        inputs = {d["name"] for d in event["inputs"]}
        assert SALE_FEEDS | {"ref_fx_rates", "silver.entity_xref"} <= inputs
        assert not any(name.startswith("stg_") for name in inputs)  # staging runs inside
        dt.datetime.fromisoformat(event["eventTime"])
    assert complete["job"]["facets"]["sql"]["query"] == model_sql("silver.ticket_sales")
    assert complete["job"]["facets"]["jobType"]["jobType"] == "MODEL"
    assert "columnLineage" not in start["outputs"][0]["facets"]

    facets = complete["outputs"][0]["facets"]
    schema = [f["name"] for f in facets["schema"]["fields"]]
    assert {"sale_id", "unit_price", "channel"} <= set(schema)
    fields = facets["columnLineage"]["fields"]
    assert set(fields) == set(schema)
    unit_price = {(f["name"], f["field"]) for f in fields["unit_price"]["inputFields"]}
    assert unit_price == {(t, "unit_price") for t in SALE_FEEDS} | {
        ("ref_fx_rates", "usd_per_unit")
    }
    transformation = fields["unit_price"]["inputFields"][0]["transformations"][0]
    assert transformation == {**transformation, "type": "DIRECT", "subtype": "TRANSFORMATION"}
    # a constant: no input field, and a description of what it depends on
    assert fields["channel"]["inputFields"] == []
    assert "bronze.stream_sales" in fields["channel"]["transformationDescription"]


def test_the_run_ids_are_stable_uuids() -> None:
    assert run_uuid("run-7", "silver.ticket_sales") == run_uuid("run-7", "silver.ticket_sales")
    assert run_uuid("run-7", "silver.ticket_sales") != run_uuid("run-8", "silver.ticket_sales")
    uuid.UUID(run_uuid("run-7"))
    given = str(uuid.uuid4())
    assert run_uuid(given) == given


def test_a_failed_job_ends_with_a_fail_event_carrying_the_error(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    record_run_lineage(
        lake, lake_settings, "run-8", ["silver.customers"], failed={"silver.customers": "boom"}
    )
    start, fail = events_of(lake_settings.home / "state" / "lineage" / "run-8.ndjson")
    assert (start["eventType"], fail["eventType"]) == ("START", "FAIL")
    assert "errorMessage" not in start["run"]["facets"]
    assert fail["run"]["facets"]["errorMessage"]["message"] == "boom"


def test_edges_are_recorded_with_the_events(lake: Lakehouse, lake_settings: Settings) -> None:
    result = record_run_lineage(lake, lake_settings, "run-9", ["silver.customers"])
    assert lake.read(TABLE).num_rows == len(result.edges)


@dataclass
class Received:
    paths: list[str] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    auth: list[str | None] = field(default_factory=list)
    status: int = 200


@pytest.fixture
def marquez() -> Iterator[tuple[str, Received]]:
    """A stand-in OpenLineage endpoint on 127.0.0.1 that keeps what it is sent."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.paths.append(self.path)
            received.bodies.append(json.loads(self.rfile.read(length)))
            received.auth.append(self.headers.get("Authorization"))
            self.send_response(received.status)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.integration
def test_http_transport_posts_every_event_to_the_endpoint(
    lake: Lakehouse, lake_settings: Settings, marquez: tuple[str, Received]
) -> None:
    url, received = marquez
    settings = LineageSettings(url=url, api_key=SecretStr("s3cret"), retries=0)
    result = record_run_lineage(
        lake, lake_settings, "run-10", ["silver.customers"], lineage=settings
    )
    assert result.destination == f"{url}/api/v1/lineage"
    assert result.events == len(received.bodies) == 2
    assert received.paths == ["/api/v1/lineage"] * 2
    assert [b["eventType"] for b in received.bodies] == ["START", "COMPLETE"]
    assert received.bodies[1]["outputs"][0]["name"] == "silver.customers"
    assert received.auth == ["Bearer s3cret"] * 2
    assert not (lake_settings.home / "state" / "lineage").exists()


@pytest.mark.integration
def test_an_endpoint_that_fails_gives_a_retryable_error_after_the_edges_are_kept(
    lake: Lakehouse, lake_settings: Settings, marquez: tuple[str, Received]
) -> None:
    url, received = marquez
    received.status = 500
    with pytest.raises(LineageEmitError) as caught:
        record_run_lineage(
            lake, lake_settings, "run-11", ["silver.customers"],
            lineage=LineageSettings(url=url, retries=0),
        )  # fmt: skip
    assert f"`{url}/api/v1/lineage`" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert lake.read(TABLE).num_rows > 0


@dataclass(frozen=True)
class FakeJob:
    job: str
    status: str
    error_type: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class FakeRun:
    run_id: str
    started_at: dt.datetime
    jobs: list[FakeJob]


def test_the_pipeline_listener_records_the_jobs_that_ran(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    listener = LineageListener(lake, lake_settings)
    started = dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)
    run = FakeRun(
        "run-12",
        started,
        [
            FakeJob("customers", "failed", "TerminalError", "disk full"),
            FakeJob("venues", "skipped"),
            FakeJob("sales_daily", "succeeded"),
        ],
    )
    listener.job_finished("run-12", run.jobs[0])
    listener.run_finished(run)
    (result,) = listener.results
    assert {"silver.customers", "entity_xref", "gold.sales_daily"} <= set(result.jobs)
    assert "silver.venues" not in result.jobs
    events = events_of(lake_settings.home / "state" / "lineage" / "run-12.ndjson")
    ends = {e["job"]["name"]: e for e in events if e["eventType"] != "START"}
    assert ends["silver.customers"]["eventType"] == "FAIL"
    assert ends["silver.customers"]["run"]["facets"]["errorMessage"]["message"] == (
        "TerminalError: disk full"
    )
    assert ends["gold.sales_daily"]["eventType"] == "COMPLETE"
    starts = [e for e in events if e["eventType"] == "START"]
    assert {e["eventTime"] for e in starts} == {started.isoformat()}


def test_the_listener_keeps_an_emit_failure_instead_of_failing_the_run(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    listener = LineageListener(
        lake, lake_settings, LineageSettings(url="http://127.0.0.1:9", retries=0, timeout_seconds=1)
    )
    listener.run_finished(
        FakeRun("run-13", dt.datetime.now(dt.UTC), [FakeJob("customers", "succeeded")])
    )
    assert listener.results == []
    assert len(listener.errors) == 1
    assert lake.read(TABLE).num_rows > 0


def test_the_listener_fits_the_pipeline_runner(lake: Lakehouse, lake_settings: Settings) -> None:
    from dataclasses import fields

    from greenroom.pipeline import RunListener
    from greenroom.pipeline.result import RunResult
    from greenroom.pipeline.runlog import JobResult

    listener: RunListener = LineageListener(lake, lake_settings)  # mypy checks the shape
    assert callable(listener.run_finished)
    assert {"job", "status", "error_type", "error"} <= {f.name for f in fields(JobResult)}
    assert {"run_id", "started_at", "jobs"} <= {f.name for f in fields(RunResult)}
