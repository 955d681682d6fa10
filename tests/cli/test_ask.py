"""`greenroom ask`, `chat`, `metrics` and `eval chat` as a person (and a script) runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BuiltWorld

pytestmark = [pytest.mark.slow, pytest.mark.integration]

DEV = Path(__file__).parents[3] / "shared" / "eval" / "chat_dev.yaml"


def greenroom(
    world: BuiltWorld, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GREENROOM_HOME": str(world.settings.home)}
    return subprocess.run(
        [sys.executable, "-m", "greenroom", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_ask_json_is_the_chat_api_response_and_follow_ups_use_the_session(
    clean_world: BuiltWorld,
) -> None:
    first = greenroom(clean_world, "ask", "tickets sold by year", "--json")
    assert first.returncode == 0, first.stderr
    body = json.loads(first.stdout)
    assert set(body) == {
        "session_id",
        "kind",
        "answer",
        "interpretation",
        "result",
        "sql",
        "chart",
        "suggestions",
    }
    assert body["kind"] == "answer" and body["result"]["columns"] == ["year", "tickets_sold"]
    second = greenroom(
        clean_world, "ask", "only at clubs", "--session", body["session_id"], "--json"
    )
    follow = json.loads(second.stdout)
    assert follow["session_id"] == body["session_id"]
    assert follow["result"]["columns"] == ["year", "tickets_sold"]
    assert "club" in follow["interpretation"]


def test_ask_prints_a_readable_answer(clean_world: BuiltWorld) -> None:
    done = greenroom(clean_world, "ask", "revenue by channel", "--today", "2026-06-30")
    assert done.returncode == 0, done.stderr
    assert "Revenue by channel" in done.stdout and "read as:" in done.stdout
    assert "session " in done.stdout


def test_a_refusal_is_an_answer_not_an_error(clean_world: BuiltWorld) -> None:
    done = greenroom(clean_world, "ask", "drop table silver.concerts", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["kind"] == "refusal"


def test_chat_reads_lines_until_an_empty_one(clean_world: BuiltWorld) -> None:
    done = greenroom(clean_world, "chat", stdin="revenue by year\nnow by channel\n\n")
    assert done.returncode == 0, done.stderr
    assert "Revenue by year" in done.stdout and "Revenue by channel" in done.stdout


def test_metrics_list_and_query(clean_world: BuiltWorld) -> None:
    listed = json.loads(greenroom(clean_world, "metrics", "list", "--json").stdout)
    assert {m["name"] for m in listed["metrics"]} >= {
        "tickets_sold",
        "revenue",
        "concerts",
        "avg_ticket_price",
        "attendance_rate",
        "average_attendance",
        "customers",
    }
    done = greenroom(
        clean_world, "metrics", "query", "--metric", "revenue", "--by", "channel", "--json"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["columns"] == ["channel", "revenue"]
    bad = greenroom(clean_world, "metrics", "query", "--metric", "revenu")
    assert (
        bad.returncode == 1
        and "did you mean `revenue`" in bad.stderr
        and "Traceback" not in bad.stderr
    )


def test_eval_chat_json_report(clean_world: BuiltWorld) -> None:
    if not DEV.exists():
        pytest.fail(f"{DEV} is missing: CI lays ../shared beside the checkout")
    done = greenroom(clean_world, "eval", "chat", str(DEV), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report) == {
        "turns",
        "correct",
        "accuracy",
        "confidently_wrong",
        "latency_ms",
        "results",
    }
    assert report["turns"] == len(report["results"]) > 30
    assert set(report["latency_ms"]) == {"p50", "p95"}
    assert set(report["results"][0]) == {"case", "turn", "ok", "reason", "ms"}


def test_eval_chat_names_a_bad_file(clean_world: BuiltWorld, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cases: nope\n")
    done = greenroom(clean_world, "eval", "chat", str(bad))
    assert done.returncode == 1 and "`cases:` list" in done.stderr
