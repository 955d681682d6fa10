"""Model-backed planning through the assistant: a scripted OpenAI-compatible model on
127.0.0.1 proposes semantic queries; valid ones run, anything else falls back to the
offline planner, and refusals are decided before the model is asked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from greenroom.agent.memory import SqliteMemory
from greenroom.compose import build_assistant
from greenroom.config import Settings
from greenroom.lake import Lakehouse
from tests.agent.providers._scripted import Reply, ScriptedModel, completion, serve_scripted_model
from tests.conftest import BuiltWorld

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture
def model() -> Iterator[ScriptedModel]:
    with serve_scripted_model() as scripted:
        yield scripted


def _bot(world: BuiltWorld, model: ScriptedModel, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = Settings.model_validate(
        {
            **world.settings.model_dump(),
            "model": {
                "provider": "openai",
                "base_url": model.base_url,
                "model": "scripted",
                "timeout_s": 2,
            },
        }
    )
    return build_assistant(
        Lakehouse.open(settings), settings, memory=SqliteMemory(tmp_path / "m.db")
    )


def _proposal(**query: object) -> Reply:
    return Reply(completion(json.dumps({"kind": "query", "query": query})))


def test_a_valid_proposal_is_run(
    clean_world: BuiltWorld, model: ScriptedModel, tmp_path: Path
) -> None:
    model.reply(_proposal(metrics=["concerts"], dimensions=["status"]))
    bot, reader = _bot(clean_world, model, tmp_path)
    with reader:
        r = bot.process_user_query("how is the concert calendar looking?", None)
        truth = reader.sql("SELECT status, COUNT(*) n FROM silver.concerts GROUP BY 1").to_pylist()
    assert r.kind == "answer" and "planned by openai" in r.interpretation
    assert r.result is not None
    assert {row[0]: row[1] for row in r.result.rows} == {t["status"]: t["n"] for t in truth}
    sent = model.requests[0].body
    assert "how is the concert calendar looking?" in json.dumps(sent)


@pytest.mark.parametrize(
    "reply",
    [
        _proposal(metrics=["profit_margin"]),  # not a metric of the semantic layer
        Reply(completion("SELECT * FROM silver.customers")),  # SQL, not the JSON asked for
        Reply({"error": "overloaded"}, status=503),
    ],
)
def test_anything_unusable_falls_back_to_the_offline_planner(
    clean_world: BuiltWorld, model: ScriptedModel, tmp_path: Path, reply: Reply
) -> None:
    model.reply(reply)
    bot, reader = _bot(clean_world, model, tmp_path)
    with reader:
        r = bot.process_user_query("how many concerts are scheduled?", None)
        scheduled = (
            reader.sql(
                "SELECT COUNT(DISTINCT concert_id) FROM silver.concerts WHERE status = 'scheduled'"
            )
            .column(0)[0]
            .as_py()
        )
    assert r.kind == "answer" and "planned by" not in r.interpretation
    assert r.result is not None and r.result.rows == [[scheduled]]


def test_refusals_never_reach_the_model(
    clean_world: BuiltWorld, model: ScriptedModel, tmp_path: Path
) -> None:
    bot, reader = _bot(clean_world, model, tmp_path)
    with reader:
        r = bot.process_user_query("delete all cancelled concerts", None)
    assert r.kind == "refusal"
    assert model.requests == []
