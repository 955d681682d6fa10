"""The quality bar: chat_dev.yaml (and our own coverage set) on a demo-scale lake."""

from __future__ import annotations

from pathlib import Path

import pytest

from greenroom.agent.evaluate import load_set, run_eval
from greenroom.agent.memory import SqliteMemory
from greenroom.compose import build_assistant
from greenroom.lake import Lakehouse
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow

DEV = Path(__file__).parents[3] / "shared" / "eval" / "chat_dev.yaml"
FIXTURES = Path(__file__).parent / "fixtures"


def _run(world: BuiltWorld, path: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    bot, reader = build_assistant(
        Lakehouse.open(world.settings), world.settings, memory=SqliteMemory(tmp_path / "m.db")
    )
    with reader:
        return run_eval(load_set(path), reader, bot.process_user_query, world.settings.today)


def test_chat_dev_set(demo_world: BuiltWorld, tmp_path: Path) -> None:
    if not DEV.exists():
        pytest.fail(f"{DEV} is missing: CI lays ../shared beside the checkout")
    report = _run(demo_world, DEV, tmp_path)
    failures = [(r.case, r.turn, r.reason) for r in report.results if not r.ok]
    assert report.accuracy >= 0.95, failures
    assert report.confidently_wrong <= 1, failures


@pytest.mark.parametrize(
    "name",
    [
        "chat_coverage.yaml",
        "chat_paraphrases.yaml",
        "chat_analyst.yaml",
        "chat_variants.yaml",
        "chat_blind.yaml",
        "chat_followups.yaml",
        "chat_registers.yaml",
    ],
)
def test_our_own_sets(demo_world: BuiltWorld, tmp_path: Path, name: str) -> None:
    """Sets of our own: every phrasing family we support (coverage), and six written
    blind to the planner's vocabulary (paraphrases; analyst shorthand, jargon and typos;
    a paraphrase, a combination and a new follow-up for every chat_dev case; paraphrases
    and combinations again; follow-up-heavy; terse, chatty and formal registers). Each blind set's first-run score is in the issue notes."""
    report = _run(demo_world, FIXTURES / name, tmp_path)
    failures = [(r.case, r.turn, r.question, r.reason) for r in report.results if not r.ok]
    assert report.accuracy >= 0.9, failures
    assert report.confidently_wrong <= 0.03 * len(report.results), failures
