"""The processing pipeline: bronze → silver → gold as a graph of named jobs.

    from greenroom.pipeline import run_pipeline
    result = run_pipeline(lake, settings)            # incremental: only what changed
    result = run_pipeline(lake, settings, full=True) # rebuild everything

`jobs` declares the jobs (inputs, outputs, what they run), `models` the SQL they execute,
`runner` runs the graph with retries and records `ops.pipeline_runs` / `ops.job_runs`.
See docs/pipeline.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from greenroom.pipeline.result import RunResult
    from greenroom.pipeline.runner import RetryPolicy, RunListener, run_pipeline

__all__ = ["RetryPolicy", "RunListener", "RunResult", "run_pipeline"]


def __getattr__(name: str) -> Any:
    if name in ("RetryPolicy", "RunListener", "run_pipeline"):
        from greenroom.pipeline import runner

        return getattr(runner, name)
    if name == "RunResult":
        from greenroom.pipeline.result import RunResult

        return RunResult
    raise AttributeError(f"module 'greenroom.pipeline' has no attribute {name!r}")
