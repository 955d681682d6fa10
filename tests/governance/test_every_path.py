"""Every read by a person or an agent goes through the governed session.

The lake's plain session (`Lakehouse.session()`) is the `system` principal's: the pipeline,
ingestion, quality monitoring and the lake itself. Surfaces that read on someone's behalf —
the web app, the chat, the semantic layer, the CLI's query commands — must get their reader
from `greenroom.governance.session.governed_session`, so a new route or tool that reached for
the plain session would bypass every policy. This test keeps that from happening silently.
"""

from __future__ import annotations

import ast
from pathlib import Path

import greenroom

PACKAGE = Path(greenroom.__file__).parent

SYSTEM_PATHS = {
    "lake",  # the engine itself
    "pipeline",  # runs as `system`
    "ingest",
    "quality",
    "synth",
    "governance/session.py",  # the one place a governed session wraps a plain one
    "governance/lineage/path.py",  # reads batch ids of ops.ingestion_batches (metadata)
    "governance/pii/scan.py",  # the PII scanner samples every zone, as a platform job
    "insights/train.py",  # model training reads silver as a platform job, like the pipeline
    "cli/ml.py",  # `ml drift` computes the forecaster's features as training does
    "cli/demo.py",  # the demo's operator summary, printed before any principal exists
}
"""Where the plain session may be used, each with the reason."""


def _plain_session_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "session"
        and not any(k.arg == "governor" for k in node.keywords)
    ]


def _exempt(relative: str) -> bool:
    return any(relative == p or relative.startswith(f"{p}/") for p in SYSTEM_PATHS)


def test_only_system_paths_use_the_plain_session() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if _exempt(relative):
            continue
        offenders += [f"{relative}:{line}" for line in _plain_session_calls(path)]
    assert offenders == [], (
        "these read the lake without a principal; use governed_session(lake, principal)"
    )


def test_the_check_sees_a_plain_session_call(tmp_path: Path) -> None:
    sample = tmp_path / "route.py"
    sample.write_text("def f(lake):\n    with lake.session() as s:\n        return s.sql('x')\n")
    assert _plain_session_calls(sample) == [2]
    sample.write_text("def f(lake, g):\n    return lake.session(governor=g)\n")
    assert _plain_session_calls(sample) == []
