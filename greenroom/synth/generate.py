"""``generate()``: build the world, write every feed and the truth, atomically.

Output is assembled in a hidden sibling folder and moved into place at the end, so a
failed or interrupted run never leaves a half-written world behind, and re-generating
into a previous world's folder replaces it whole.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

from greenroom.synth.exceptions import OutputDirError, SynthError
from greenroom.synth.feeds import FEEDS, FeedContext, FeedResult
from greenroom.synth.manifest import Manifest
from greenroom.synth.rates import resolve_rates
from greenroom.synth.scales import scale_spec
from greenroom.synth.truth import write_truth
from greenroom.synth.world import World, build_world

_OURS = {"manifest.json", "sources", "truth"}


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutputDirError(f"`{out}` is a file; give a directory path for the synthetic world")
    if out.is_dir():
        entries = {p.name for p in out.iterdir()}
        if entries and not (entries <= _OURS and "manifest.json" in entries):
            raise OutputDirError(
                f"`{out}` is not empty and holds no earlier synthetic world; use an empty or new directory"
            )


def _staging(out: Path) -> Path:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = out.parent / f".{out.name}.partial-{os.getpid()}"
        if stage.exists():
            shutil.rmtree(stage)
        stage.mkdir()
        probe = stage / ".probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputDirError(
            f"cannot write under `{out.parent}` ({exc.strerror or exc}); choose a writable directory"
        ) from None
    return stage


def _publish(stage: Path, out: Path) -> None:
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    stage.rename(out)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def _write_world(
    world: World, stage: Path, seed: int, rates: dict[str, float], say: Callable[[str], None]
) -> tuple[list[FeedResult], dict[str, int]]:
    ctx = FeedContext(sources=stage / "sources", seed=seed, rates=rates, today=world.today)
    results = []
    for writer in FEEDS:
        say(f"feed: {writer.__name__}")
        results.append(writer(world, ctx))
    say("truth")
    return results, write_truth(world, results, stage / "truth", ctx.sources)


def generate(
    out: Path,
    scale: str = "tiny",
    seed: int = 7,
    today: dt.date = dt.date(2026, 6, 30),
    defect_rates: Mapping[str, float] | None = None,
    clean: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Manifest:
    """Generate the synthetic world of ``scale`` into ``out`` and return its manifest.

    Same arguments, same bytes. Raises a :class:`SynthError` for an unknown scale, a bad
    defect kind or rate, a negative seed or an output directory that cannot be used.
    """
    spec = scale_spec(scale)
    rates = resolve_rates(defect_rates, clean)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SynthError(f"seed must be a non-negative integer, got `{seed!r}`")
    if not isinstance(today, dt.date) or isinstance(today, dt.datetime):
        raise SynthError(f"today must be a date (YYYY-MM-DD), got `{today!r}`")
    out = Path(out)
    _check_out(out)
    say = progress or (lambda _msg: None)
    stage = _staging(out)
    try:
        world = build_world(spec, seed, today, say)
        results, truth_rows = _write_world(world, stage, seed, rates, say)
        counts = {
            "artists": world.artists.num_rows,
            "venues": world.venues.num_rows,
            "concerts": world.concerts.num_rows,
            "customers": world.customers.num_rows,
            "sales": world.sales.num_rows,
            "tickets": int(world.sales["quantity"].to_numpy().sum()),
            "defects": truth_rows["defects"],
            **{f"feed:{r.feed}": r.records for r in results},
        }
        manifest = Manifest(
            scale=scale,
            seed=seed,
            today=today,
            clean=clean,
            defect_rates=rates,
            counts=counts,
            files={r.feed: r.files for r in results},
        )
        manifest.write(stage / "manifest.json")
        _publish(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    say(f"done: {counts['sales']:,} sales in {out}")
    return manifest
