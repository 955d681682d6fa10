"""User mistakes get one clear line naming the problem and the fix; nothing half-written."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from greenroom.errors import UserError
from greenroom.synth import DefectRateError, OutputDirError, SynthError, UnknownScaleError, generate


def test_unknown_scale(tmp_path: Path) -> None:
    with pytest.raises(UnknownScaleError) as err:
        generate(tmp_path / "w", "huge")
    assert isinstance(err.value, UserError)
    assert "`huge`" in str(err.value) and "`sf10`" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("rates", "match"),
    [
        ({"typo": 0.1}, "unknown defect kind `typo`"),
        ({"bad_date": 1.5}, "give a fraction in"),
        ({"bad_date": -0.1}, "give a fraction in"),
        ({"bad_date": float("nan")}, "must be a number"),
        ({"bad_date": "lots"}, "must be a number"),
        ({"missing_required": 0.6, "negative_price": 0.6}, "add up to"),
    ],
)
def test_bad_defect_rates(tmp_path: Path, rates: dict[str, object], match: str) -> None:
    with pytest.raises(DefectRateError, match=match):
        generate(tmp_path / "w", "tiny", defect_rates=rates)  # type: ignore[arg-type]
    assert not (tmp_path / "w").exists()


def test_clean_conflicts_with_rates(tmp_path: Path) -> None:
    with pytest.raises(DefectRateError, match="drop `clean` or the rates"):
        generate(tmp_path / "w", "tiny", clean=True, defect_rates={"bad_date": 0.1})


def test_unusable_output_directories(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(OutputDirError, match="is a file"):
        generate(a_file, "tiny")
    with pytest.raises(OutputDirError, match="choose a writable directory"):
        generate(a_file / "world", "tiny")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with pytest.raises(OutputDirError, match="not empty"):
        generate(busy, "tiny")
    assert (busy / "notes.txt").read_text() == "mine"
    with pytest.raises(SynthError, match="seed"):
        generate(tmp_path / "w", "tiny", seed=-1)


def test_failure_leaves_nothing_and_rerun_replaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "w"
    generate(out, "tiny", clean=True)

    def boom(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importlib.import_module("greenroom.synth.generate"), "write_truth", boom)
    with pytest.raises(RuntimeError):
        generate(out, "tiny")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w"], "no partial folders left behind"
    assert '"clean": true' in (out / "manifest.json").read_text(), "the earlier world is intact"
    monkeypatch.undo()
    generate(out, "tiny")
    assert '"clean": false' in (out / "manifest.json").read_text()
