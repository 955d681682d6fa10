"""The model registry: versioned artefacts on disk, their history in Iceberg `ops.models`.

The seed's SageMaker Model Registry, on this machine (docs/insights-registry.md)::

    registry = ModelRegistry(lake)
    version = registry.register(train_forecast(reader, today))   # promoted only if better
    model = pickle.loads(registry.load_artefact("forecast"))      # sha256-checked bytes
    registry.rollback("forecast")                                 # the previous one serves

Concurrency: every change to a model (register, record a failure, roll back) runs under
that model's OS file lock (`<home>/models/<name>/.lock`), reads the model's rows, decides,
and appends its rows to `ops.models` in one Iceberg commit (the lake retries commits that
race other writers; appends commute). Decisions are therefore serial per model and a
crash leaves either all of a change's rows or none.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import io
import math
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa

from greenroom.files import write_atomic
from greenroom.insights import _versions
from greenroom.insights._versions import TABLE, Direction, ModelState, ModelVersion
from greenroom.insights.exceptions import (
    ArtefactMissingError,
    ArtefactTamperedError,
    InvalidModelError,
    NothingToRollBackError,
    UnknownModelError,
    UnknownVersionError,
)

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse

__all__ = ["ModelRegistry", "ModelVersion", "Trained", "TrainedModel"]

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class TrainedModel(Protocol):
    """What a trainer (`train_forecast(reader, today)`, `train_recommender(…)`) returns."""

    @property
    def name(self) -> str: ...
    @property
    def params(self) -> Mapping[str, Any]: ...
    @property
    def metrics(self) -> Mapping[str, float]: ...
    @property
    def primary_metric(self) -> str:
        """The backtest metric (a key of `metrics`) that decides promotion."""
        ...

    @property
    def direction(self) -> Direction:
        """`lower` or `higher`: which way `primary_metric` is better."""
        ...

    @property
    def features(self) -> Sequence[str]: ...
    @property
    def artefact(self) -> bytes: ...
    @property
    def snapshots(self) -> Mapping[str, int]:
        """Table → Iceberg snapshot id of every table read for training."""
        ...

    @property
    def feature_sample(self) -> pa.Table | None:
        """A small sample of the training feature values (one column per feature), for drift."""
        ...


@dataclass(frozen=True)
class Trained:
    """A plain `TrainedModel` (trainers may return this or any object of the same shape)."""

    name: str
    params: Mapping[str, Any]
    metrics: Mapping[str, float]
    primary_metric: str
    direction: Direction
    features: Sequence[str]
    artefact: bytes
    snapshots: Mapping[str, int] = field(default_factory=dict)
    feature_sample: pa.Table | None = None


class ModelRegistry:
    """Versions of each model: register, serve the best, roll back, load checked artefacts."""

    def __init__(self, lake: Lakehouse, settings: Settings | None = None) -> None:
        self._lake = lake
        self._settings = settings or lake.settings

    @property
    def root(self) -> Path:
        """`<home>/models`: one folder per model, one per version (`<name>/<version>/`)."""
        return self._settings.models_dir

    # ---- changes ------------------------------------------------------------------------

    def register(self, model: TrainedModel, *, note: str | None = None) -> ModelVersion:
        """Store `model` as a new version; it serves only if it beats the serving version
        on its primary metric (else it stays a `candidate` and the serving one keeps serving)."""
        _check(model)
        with self._locked(model.name) as state:
            version = self._allocate(state)
            folder = self.root / model.name / str(version)
            artefact = folder / "artefact.bin"
            write_atomic(artefact, bytes(model.artefact))
            sample_path = None
            if model.feature_sample is not None:
                sample_path = folder / "features.parquet"
                write_atomic(sample_path, _parquet(model.feature_sample))
            now = _now()
            record = ModelVersion(
                name=model.name,
                version=version,
                status="candidate",
                created_at=now,
                primary_metric=model.primary_metric,
                direction=model.direction,
                primary_value=float(model.metrics[model.primary_metric]),
                params=dict(model.params),
                metrics={k: float(v) for k, v in model.metrics.items()},
                features=tuple(model.features),
                snapshots={k: int(v) for k, v in model.snapshots.items()},
                artefact_path=str(artefact),
                artefact_sha256=hashlib.sha256(model.artefact).hexdigest(),
                sample_path=None if sample_path is None else str(sample_path),
            )
            serving = state.serving
            seq = state.last_seq + 1
            if not _versions.beats(record, serving):
                self._append([record.row(seq, "registered", now, note=note)])
                return record
            promoted = replace(record, status="serving", promoted_at=now)
            rows = [promoted.row(seq, "promoted", now, note=note)]
            if serving is not None:
                rows.append(serving.row(seq + 1, "retired", now, status="retired"))
            self._append(rows)
            return promoted

    def record_failure(
        self,
        name: str,
        error: BaseException | str,
        *,
        params: Mapping[str, Any] | None = None,
        snapshots: Mapping[str, int] | None = None,
    ) -> ModelVersion:
        """Record a training of `name` that failed: a `failed` version with the error; what
        serves does not change."""
        _check_name(name)
        text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        with self._locked(name) as state:
            now = _now()
            record = ModelVersion(
                name=name,
                version=self._allocate(state),
                status="failed",
                created_at=now,
                primary_metric="",
                direction="lower",
                primary_value=None,
                params=dict(params or {}),
                snapshots=dict(snapshots or {}),
                error=text.splitlines()[0] if text.strip() else type(error).__name__,
            )
            self._append([record.row(state.last_seq + 1, "failed", now)])
            return record

    def train(self, name: str, trainer: Callable[[], TrainedModel]) -> ModelVersion:
        """Run `trainer` and register what it returns; a training that raises is recorded
        as a `failed` version of `name` (returned, not raised) and nothing served changes."""
        try:
            model = trainer()
        except Exception as exc:
            return self.record_failure(name, exc)
        if model.name != name:
            raise InvalidModelError(f"trainer for `{name}` returned model `{model.name}`")
        return self.register(model)

    def rollback(self, name: str, to: int | None = None) -> ModelVersion:
        """Serve the version that served before the current one, or version `to`; the
        current one is `retired`. Returns the version now serving."""
        if not self.state(name).versions:  # checked before the lock makes its folder
            raise UnknownModelError(name, self.models())
        with self._locked(name) as state:
            current = state.serving
            target = state.previous if to is None else to
            if target is None:
                raise NothingToRollBackError(name)
            usable = [v.version for v in state.versions.values() if v.status != "failed"]
            if target not in usable:
                raise UnknownVersionError(name, target, usable, why="servable ")
            chosen = state.versions[target]
            if current is not None and current.version == target:
                return current
            now = _now()
            seq = state.last_seq + 1
            rows = []
            if current is not None:
                rows.append(current.row(seq, "retired", now, status="retired"))
                seq += 1
            served = replace(chosen, status="serving", promoted_at=now)
            rows.append(served.row(seq, "rollback", now))
            self._append(rows)
            return served

    # ---- reads --------------------------------------------------------------------------

    def models(self) -> list[str]:
        """Every model name with at least one version, sorted."""
        if not self._lake.exists(TABLE):
            return []
        names = self._lake.read(TABLE, columns=["name"]).column("name").to_pylist()
        return sorted(set(names))

    def state(self, name: str) -> ModelState:
        """Everything `ops.models` says about `name` (empty when it has no versions)."""
        _check_name(name)
        if not self._lake.exists(TABLE):
            return _versions.fold(name, _versions.to_table([]))
        return _versions.fold(name, self._lake.read(TABLE, where=f"name = '{name}'"))

    def versions(self, name: str) -> list[ModelVersion]:
        """Every version of `name`, oldest first, with its current status."""
        state = self.state(name)
        if not state.versions:
            raise UnknownModelError(name, self.models())
        return list(state.versions.values())

    def version(self, name: str, version: int | None = None) -> ModelVersion:
        """Version `version` of `name`, or the serving one."""
        state = self.state(name)
        if not state.versions:
            raise UnknownModelError(name, self.models())
        if version is None:
            if state.serving is None:
                usable = [v.version for v in state.versions.values() if v.status != "failed"]
                raise UnknownVersionError(name, 0, usable, why="serving ")
            return state.serving
        if version not in state.versions:
            raise UnknownVersionError(name, version, list(state.versions))
        return state.versions[version]

    def serving(self, name: str) -> ModelVersion | None:
        """The serving version of `name`, or None (nothing registered or nothing promoted)."""
        return self.state(name).serving

    def load_artefact(self, name: str, version: int | None = None) -> bytes:
        """The artefact bytes of `version` (default: the serving one), sha256-verified."""
        record = self.version(name, version)
        if record.artefact_path is None or record.artefact_sha256 is None:
            raise UnknownVersionError(
                name, record.version, self._with_artefacts(name), why="trained "
            )
        path = Path(record.artefact_path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ArtefactMissingError(name, record.version, str(path)) from None
        actual = hashlib.sha256(data).hexdigest()
        if actual != record.artefact_sha256:
            raise ArtefactTamperedError(
                name, record.version, str(path), record.artefact_sha256, actual
            )
        return data

    def feature_sample(self, name: str, version: int | None = None) -> pa.Table | None:
        """The training feature sample of `version` (default: serving), if it kept one."""
        import pyarrow.parquet as pq

        record = self.version(name, version)
        if record.sample_path is None:
            return None
        try:
            return pq.read_table(record.sample_path)
        except FileNotFoundError:
            raise ArtefactMissingError(name, record.version, record.sample_path) from None

    def training_inputs(
        self, name: str, version: int, tables: Sequence[str] | None = None
    ) -> dict[str, pa.Table]:
        """The tables `version` was trained on, read at their recorded snapshots (Iceberg
        time travel): feed them to the trainer to retrain that version exactly."""
        record = self.version(name, version)
        wanted = record.snapshots if tables is None else {t: record.snapshots[t] for t in tables}
        return {t: self._lake.read(t, snapshot_id=sid) for t, sid in wanted.items()}

    # ---- internals ----------------------------------------------------------------------

    def _with_artefacts(self, name: str) -> list[int]:
        return [v.version for v in self.versions(name) if v.artefact_path is not None]

    @contextmanager
    def _locked(self, name: str) -> Iterator[ModelState]:
        """Hold `name`'s lock (threads and processes of this host), yielding its state."""
        _check_name(name)
        folder = self.root / name
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield self.state(name)
        finally:
            os.close(fd)

    def _allocate(self, state: ModelState) -> int:
        """The next version number: past every recorded version and every folder (an
        artefact written by a writer that died before its commit is never overwritten)."""
        folder = self.root / state.name
        on_disk = [int(p.name) for p in folder.iterdir() if p.name.isdigit()]
        version = max([0, *state.versions, *on_disk]) + 1
        (folder / str(version)).mkdir()
        return version

    def _append(self, rows: list[dict[str, Any]]) -> None:
        self._lake.create_table(TABLE, _versions.SCHEMA)
        self._lake.append(TABLE, _versions.to_table(rows))


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise InvalidModelError(
            f"model name `{name}` must be lower-case letters, digits and `_`, "
            "starting with a letter"
        )


def _check(model: TrainedModel) -> None:
    _check_name(model.name)
    if model.direction not in ("lower", "higher"):
        raise InvalidModelError(
            f"model `{model.name}` has direction `{model.direction}`; use `lower` or `higher`"
        )
    if model.primary_metric not in model.metrics:
        raise InvalidModelError(
            f"model `{model.name}` has no value for its primary metric "
            f"`{model.primary_metric}`; its metrics are {', '.join(model.metrics) or 'none'}"
        )
    value = float(model.metrics[model.primary_metric])
    if math.isnan(value):
        raise InvalidModelError(f"model `{model.name}` has a NaN `{model.primary_metric}`")


def _parquet(table: pa.Table) -> bytes:
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
