"""The whole journey on the embedded default: synthetic world → raw → bronze → silver → gold.

Used by `greenroom demo` and by the end-to-end tests. After the pipeline's first run, the
models none of whose versions serves are trained and the pipeline runs again, so the
insights' gold tables (forecasts) are filled too. Each step is idempotent: a world
already generated with the same parameters is reused, a file already ingested is skipped,
and the pipeline runs only the jobs whose inputs changed (see docs/pipeline.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.ingest.batches import IngestionResult
    from greenroom.lake import Lakehouse
    from greenroom.pipeline.result import RunResult
    from greenroom.synth import Manifest

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoResult:
    world: Path
    manifest: Manifest
    ingested: list[IngestionResult]
    pipeline: RunResult
    personal_columns: int = 0
    """Columns the PII scanner found and tagged as personal data."""
    trained: tuple[str, ...] = ()
    """Models trained after the first run because none of their versions served."""
    insights: RunResult | None = None
    """The run after that training (only the jobs reading the models run again)."""


def world_dir(settings: Settings, scale: str, seed: int) -> Path:
    return settings.landing_dir / f"{scale}-seed{seed}-{settings.today.isoformat()}"


def ensure_world(settings: Settings, scale: str, seed: int, progress: Progress) -> Manifest:
    """Generate the synthetic world into the landing zone unless it is already there."""
    from greenroom import synth

    out = world_dir(settings, scale, seed)
    manifest_path = out / "manifest.json"
    if manifest_path.is_file():
        return synth.Manifest.model_validate(json.loads(manifest_path.read_text()))
    progress(f"generating the `{scale}` synthetic world")
    return synth.generate(out, scale=scale, seed=seed, today=settings.today, progress=progress)


def ingest_world(
    lake: Lakehouse, settings: Settings, world: Path, manifest: Manifest, progress: Progress
) -> list[IngestionResult]:
    """Land every source file of the world in raw + bronze (already-seen files are skipped)."""
    from greenroom.ingest.feeds import ingest_order
    from greenroom.ingest.files import process_file_upload

    results = []
    for feed in ingest_order(list(manifest.files)):
        files = manifest.files[feed]
        progress(f"ingesting {feed} ({len(files):,} file{'s' if len(files) > 1 else ''})")
        for rel in files:
            results.append(process_file_upload(lake, settings, world / "sources" / rel, feed))
    return results


def run_demo(
    lake: Lakehouse, settings: Settings, scale: str, seed: int = 7, progress: Progress | None = None
) -> DemoResult:
    report = progress or (lambda _step: None)
    manifest = ensure_world(settings, scale, seed, report)
    world = world_dir(settings, scale, seed)
    ingested = ingest_world(lake, settings, world, manifest, report)
    from greenroom.compose import pipeline_jobs, pipeline_listeners
    from greenroom.pipeline.runner import run_pipeline

    report("running the pipeline (bronze → silver → gold), then lineage and quality checks")
    jobs = pipeline_jobs()
    listeners = pipeline_listeners(lake, settings)
    run = run_pipeline(lake, settings, jobs=jobs, progress=report, listeners=listeners)
    trained = train_missing_models(lake, settings, report) if run.ok else []
    insights = None
    if trained:
        report("running the insights' jobs again, with the models just trained")
        insights = run_pipeline(lake, settings, jobs=jobs, progress=report, listeners=listeners)
    report("classifying personal data by content and tagging it in the catalog")
    tagged = tag_personal_data(lake)
    return DemoResult(world, manifest, ingested, run, tagged, tuple(trained), insights)


def train_missing_models(lake: Lakehouse, settings: Settings, progress: Progress) -> list[str]:
    """Train and register every model none of whose versions serves yet (`greenroom ml
    train`); the names of those trained."""
    from greenroom.insights.registry import ModelRegistry
    from greenroom.insights.train import TRAINERS, train

    registry = ModelRegistry(lake, settings)
    trained = []
    for name in sorted(TRAINERS):
        if registry.serving(name) is None:
            progress(f"training the `{name}` model (none serves yet)")
            train(lake, settings, name)
            trained.append(name)
    return trained


def tag_personal_data(lake: Lakehouse) -> int:
    """Scan every zone for personal data and tag what is found (`greenroom governance
    scan`), so tag-based grants protect it from the first query; the columns tagged."""
    from greenroom.governance.pii.kinds import MIN_CONFIDENCE
    from greenroom.governance.pii.scan import scan_lake
    from greenroom.governance.pii.tags import tag_findings, tags_for

    found = scan_lake(lake).above(MIN_CONFIDENCE)
    tag_findings(lake, found)
    return sum(len(columns) for columns in tags_for(found).values())
