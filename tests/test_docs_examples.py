"""The README's and the docs' examples run as written (like pydantic-ai's test_examples)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def greenroom_commands(path: Path) -> list[str]:
    """Every `greenroom …` line of the file's bash blocks, comments stripped."""
    lines = []
    for block in blocks(path, "bash"):
        for line in block.splitlines():
            line = re.split(r"\s#", line)[0].strip()
            if line.startswith("greenroom "):
                lines.append(line)
    return lines


def run(command: str, home: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "greenroom", *shlex.split(command)[1:]]
    argv = [a.replace("/tmp/world", str(tmp / "world")) for a in argv]
    env = {**os.environ, "GREENROOM_HOME": str(home)}
    return subprocess.run(
        argv, capture_output=True, text=True, env=env, timeout=300, check=False, cwd=ROOT
    )


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home built by `greenroom demo` itself, at tiny scale."""
    home = tmp_path_factory.mktemp("readme") / "home"
    done = run("greenroom demo --scale tiny --no-serve", home, home.parent)
    assert done.returncode == 0, done.stderr
    assert "concerts, tickets and revenue by year" in done.stdout
    return home


@pytest.mark.integration
@pytest.mark.parametrize("command", greenroom_commands(ROOT / "README.md"))
def test_readme_command_runs(command: str, demo_home: Path, tmp_path: Path) -> None:
    """In README order (the stream is produced before it is consumed)."""
    done = run(command, demo_home, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


def test_ingestion_doc_python_example_runs() -> None:
    (code,) = blocks(ROOT / "docs" / "ingestion.md", "python")
    namespace: dict[str, object] = {}
    exec(compile(code, "docs/ingestion.md", "exec"), namespace)
    result = namespace["result"]
    assert result.valid is False  # type: ignore[attr-defined]
    assert result.rejected.column("_reasons").to_pylist() == [["box_office_sales.qty.range"]]  # type: ignore[attr-defined]
