"""The model registry: promotion on the primary metric, failures, rollback, tamper checks,
concurrent writers, exact retraining inputs."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from greenroom.config import Settings
from greenroom.insights.exceptions import (
    ArtefactTamperedError,
    InvalidModelError,
    NothingToRollBackError,
    UnknownModelError,
    UnknownVersionError,
)
from greenroom.insights.registry import ModelRegistry, Trained
from greenroom.lake import Lakehouse

pytestmark = pytest.mark.slow


def _model(mae: float, name: str = "forecast", **extra: Any) -> Trained:
    return Trained(
        name=name,
        params={"alpha": 0.5},
        metrics={"mae": mae, "r2": 0.9},
        primary_metric="mae",
        direction="lower",
        features=["days_out", "genre"],
        artefact=f"model mae={mae}".encode(),
        feature_sample=pa.table({"days_out": [1, 2, 3], "genre": ["rock", "pop", "rock"]}),
        **extra,
    )


@pytest.fixture
def registry(lake: Lakehouse, lake_settings: Settings) -> ModelRegistry:
    return ModelRegistry(lake, lake_settings)


def test_first_version_serves_and_round_trips(
    registry: ModelRegistry, lake_settings: Settings
) -> None:
    version = registry.register(_model(10.0))
    assert (version.version, version.status) == (1, "serving")
    assert version.promoted_at is not None
    served = registry.serving("forecast")
    assert served is not None and served.version == 1
    assert served.params == {"alpha": 0.5} and served.metrics["mae"] == 10.0
    assert served.features == ("days_out", "genre")
    assert registry.load_artefact("forecast") == b"model mae=10.0"
    assert (lake_settings.models_dir / "forecast" / "1" / "artefact.bin").exists()
    sample = registry.feature_sample("forecast")
    assert sample is not None and sample.num_rows == 3
    assert registry.models() == ["forecast"]


def test_worse_candidate_is_not_promoted(registry: ModelRegistry) -> None:
    registry.register(_model(10.0))
    worse = registry.register(_model(12.0))
    assert worse.status == "candidate"
    assert registry.serving("forecast").version == 1  # type: ignore[union-attr]
    better = registry.register(_model(8.0))
    assert better.status == "serving"
    statuses = {v.version: v.status for v in registry.versions("forecast")}
    assert statuses == {1: "retired", 2: "candidate", 3: "serving"}
    assert registry.load_artefact("forecast", 2) == b"model mae=12.0"


def test_higher_is_better_direction(registry: ModelRegistry) -> None:
    def rec(score: float) -> Trained:
        return Trained("recommend", {}, {"map_at_10": score}, "map_at_10", "higher", [], b"x")

    registry.register(rec(0.2))
    assert registry.register(rec(0.1)).status == "candidate"
    assert registry.register(rec(0.3)).status == "serving"


def test_failed_training_changes_nothing_served(registry: ModelRegistry) -> None:
    registry.register(_model(10.0))

    def boom() -> Trained:
        raise RuntimeError("sales table is empty")

    failed = registry.train("forecast", boom)
    assert failed.status == "failed" and failed.version == 2
    assert failed.error == "RuntimeError: sales table is empty"
    assert registry.serving("forecast").version == 1  # type: ignore[union-attr]
    assert registry.train("forecast", lambda: _model(5.0)).status == "serving"
    with pytest.raises(UnknownVersionError, match="trained version"):
        registry.load_artefact("forecast", 2)


def test_rollback_to_previous_and_to_a_given_version(registry: ModelRegistry) -> None:
    registry.register(_model(10.0))
    registry.register(_model(12.0))  # 2: candidate
    registry.register(_model(8.0))  # 3: serving
    back = registry.rollback("forecast")
    assert back.version == 1 and back.status == "serving"
    assert {v.version: v.status for v in registry.versions("forecast")}[3] == "retired"
    with pytest.raises(NothingToRollBackError):
        registry.rollback("forecast")
    assert registry.rollback("forecast", to=2).version == 2
    assert registry.rollback("forecast").version == 1  # back past the explicit choice
    assert registry.load_artefact("forecast") == b"model mae=10.0"


def test_unknown_model_and_version_name_the_known_ones(registry: ModelRegistry) -> None:
    registry.register(_model(10.0))
    with pytest.raises(UnknownModelError, match="`forecast`") as err:
        registry.versions("nope")
    assert err.value.code == "model_not_found"
    with pytest.raises(UnknownVersionError, match="versions are 1") as verr:
        registry.rollback("forecast", to=7)
    assert verr.value.code == "model_version_not_found"


def test_invalid_model_is_refused(registry: ModelRegistry) -> None:
    bad = Trained("forecast", {}, {"r2": 0.3}, "mae", "lower", [], b"x")
    with pytest.raises(InvalidModelError, match="`mae`"):
        registry.register(bad)
    with pytest.raises(InvalidModelError, match="lower-case"):
        registry.register(_model(1.0, name="../evil"))


def test_tampered_artefact_is_detected(registry: ModelRegistry) -> None:
    version = registry.register(_model(10.0))
    assert version.artefact_path is not None
    with open(version.artefact_path, "r+b") as handle:
        handle.write(b"M")
    with pytest.raises(ArtefactTamperedError, match="changed after registration") as err:
        registry.load_artefact("forecast")
    assert err.value.code == "model_artefact_tampered"


def test_training_inputs_time_travel_to_the_recorded_snapshots(
    registry: ModelRegistry, lake: Lakehouse
) -> None:
    lake.create_table("silver.sales", pa.schema([("n", pa.int64())]))
    first = lake.append("silver.sales", pa.table({"n": [1, 2]}))
    registry.register(_model(10.0, snapshots={"silver.sales": first}))
    lake.append("silver.sales", pa.table({"n": [3]}))
    inputs = registry.training_inputs("forecast", 1)
    assert inputs["silver.sales"].column("n").to_pylist() == [1, 2]


def test_concurrent_registers_keep_every_version_and_serve_the_best(
    registry: ModelRegistry, lake: Lakehouse, lake_settings: Settings
) -> None:
    maes = [9.0, 7.0, 8.0, 6.5, 7.5, 9.5]
    errors: list[BaseException] = []

    def register(mae: float) -> None:
        try:  # a registry per thread, as separate processes would have
            ModelRegistry(Lakehouse(lake_settings), lake_settings).register(_model(mae))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=register, args=(m,)) for m in maes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    versions = registry.versions("forecast")
    assert sorted(v.version for v in versions) == list(range(1, len(maes) + 1))
    assert [v.status for v in versions].count("serving") == 1
    served = registry.serving("forecast")
    assert served is not None and served.primary_value == 6.5
    assert registry.load_artefact("forecast") == b"model mae=6.5"
    seqs = lake.read("ops.models").column("seq").to_pylist()
    assert len(seqs) == len(set(seqs))


def _register_in_process(settings: Settings, mae: float) -> int:
    return ModelRegistry(Lakehouse(settings), settings).register(_model(mae)).version


def test_two_processes_register_without_corrupting(
    registry: ModelRegistry, lake_settings: Settings
) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        got = sorted(pool.map(_register_in_process, [lake_settings] * 4, [4.0, 3.0, 5.0, 2.0]))
    assert got == [1, 2, 3, 4]
    assert registry.serving("forecast").primary_value == 2.0  # type: ignore[union-attr]
    assert [v.status for v in registry.versions("forecast")].count("serving") == 1


def test_docs_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    doc = Path(__file__).resolve().parents[2] / "docs" / "insights-registry.md"
    (code,) = re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
    exec(compile(code, str(doc), "exec"), {})
