"""Usage mistakes get typer's short usage error and exit 2 — never a traceback.

The cases are derived from the command tree itself, so a command added later is covered
without touching this file: every group gets a misspelt subcommand, every command an
unknown option, its required parameters left out, and a bad value for each int or choice
option.
"""

from __future__ import annotations

import enum
import os
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest
import typer

import greenroom
from greenroom.cli.main import app, main

MAX_ERROR_LINES = 8


def _tree(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every command and group below `command`, with its path of names."""
    found = [(path, command)]
    for name, sub in sorted((getattr(command, "commands", None) or {}).items()):
        found += _tree(sub, (*path, name))
    return found


TREE = _tree(typer.main.get_command(app))
GROUPS = [(path, cmd) for path, cmd in TREE if getattr(cmd, "commands", None)]
COMMANDS = [(path, cmd) for path, cmd in TREE if not getattr(cmd, "commands", None)]


def _id(path: tuple[str, ...]) -> str:
    return " ".join(path) or "greenroom"


def _kind(param: Any) -> str | None:
    """`int`, `choice` or None: what a wrong value can be tested against."""
    descriptor = getattr(param, "type_descriptor", None)  # typer ≥ 0.2x: own click copy
    if descriptor is not None:
        annotation = descriptor.annotation
        if annotation is int:
            return "int"
        if typing.get_origin(annotation) is typing.Literal or (
            isinstance(annotation, type) and issubclass(annotation, enum.Enum)
        ):
            return "choice"
        return None
    type_name = type(getattr(param, "type", None)).__name__  # typer on click itself
    return {"IntParamType": "int", "IntRange": "int", "Choice": "choice"}.get(type_name)


def _long_option(param: Any) -> str:
    return max(param.opts, key=len)  # type: ignore[no-any-return]


def _required_args(command: Any) -> list[str]:
    """Plausible values for every required parameter, so only the mistake under test fails."""
    argv: list[str] = []
    for param in command.params:
        if not param.required:
            continue
        value = "1" if _kind(param) == "int" else "x"
        if param.param_type_name == "option":
            argv += [_long_option(param), value]
        else:
            argv.append(value)
    return argv


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


def assert_usage_error(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) <= MAX_ERROR_LINES, err
    assert "Usage:" in err or "Error" in err, err
    for needle in needles:
        assert needle in err, err


def test_the_tree_is_walked() -> None:
    """A sanity check on the walk itself: nested groups and leaf commands are both found."""
    names = {_id(path) for path, _ in COMMANDS}
    assert {"query", "lake tables", "pipeline history", "stream produce"} <= names
    assert {_id(path) for path, _ in GROUPS} >= {"greenroom", "lake", "pipeline"}


@pytest.mark.parametrize(("path", "group"), GROUPS, ids=[_id(p) for p, _ in GROUPS])
def test_misspelt_subcommand(
    path: tuple[str, ...], group: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    name = max(group.commands, key=len)
    typo = name[:-1] if len(name) > 3 else name + "x"
    code, _, err = run([*path, typo], capsys)
    assert_usage_error(code, err, f"No such command '{typo}'", f"Did you mean '{name}'")


@pytest.mark.parametrize(("path", "command"), TREE, ids=[_id(p) for p, _ in TREE])
def test_unknown_option(
    path: tuple[str, ...], command: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run([*path, "--no-such-option-anywhere"], capsys)
    assert_usage_error(code, err, "--no-such-option-anywhere")


OPTIONS = [
    (path, cmd, _long_option(param))
    for path, cmd in COMMANDS
    for param in cmd.params
    if param.param_type_name == "option" and len(_long_option(param)) > 5
]


@pytest.mark.parametrize(
    ("path", "command", "option"), OPTIONS, ids=[f"{_id(p)} {o}" for p, _, o in OPTIONS]
)
def test_misspelt_option_gets_a_hint(
    path: tuple[str, ...], command: Any, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run([*path, *_required_args(command), option[:-1] + "z"], capsys)
    assert_usage_error(code, err, option)


REQUIRED = [(p, c) for p, c in COMMANDS if any(param.required for param in c.params)]


@pytest.mark.parametrize(("path", "command"), REQUIRED, ids=[_id(p) for p, _ in REQUIRED])
def test_missing_required_parameter(
    path: tuple[str, ...], command: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(list(path), capsys)
    assert_usage_error(code, err, "Missing")


TYPED = [
    (path, cmd, param)
    for path, cmd in COMMANDS
    for param in cmd.params
    if param.param_type_name == "option" and _kind(param) is not None
]


@pytest.mark.parametrize(
    ("path", "command", "param"),
    TYPED,
    ids=[f"{_id(p)} {_long_option(param)}" for p, _, param in TYPED],
)
def test_bad_value(
    path: tuple[str, ...], command: Any, param: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    option = _long_option(param)
    argv = [*path, *_required_args(command), option, "not-a-value"]
    code, _, err = run(argv, capsys)
    assert_usage_error(code, err, f"Invalid value for '{option}'")


VALUED = [
    (path, cmd, param)
    for path, cmd in COMMANDS
    for param in cmd.params
    if param.param_type_name == "option" and not getattr(param, "is_flag", False)
]


@pytest.mark.parametrize(
    ("path", "command", "param"),
    VALUED,
    ids=[f"{_id(p)} {_long_option(param)}" for p, _, param in VALUED],
)
def test_option_without_its_value(
    path: tuple[str, ...], command: Any, param: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    option = _long_option(param)
    code, _, err = run([*path, *_required_args(command), option], capsys)
    assert_usage_error(code, err, option)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["querry", "select 1"], "Did you mean 'query'"),
        (["query", "SELECT 1", "--jsn"], "--json"),
        (["stream", "produce", "--count", "many"], "--count"),
    ],
)
def test_python_dash_m(argv: list[str], needle: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root = str(Path(greenroom.__file__).parent.parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-m", "greenroom", *argv], capture_output=True, text=True, check=False
    )
    assert_usage_error(done.returncode, done.stderr, needle)
    assert done.stdout == ""
