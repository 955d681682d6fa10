"""Errors of the pipeline runner, each on its branch of the root hierarchy.

The runner retries a job only for a :class:`~greenroom.errors.TransientError` (the lake's
`CommitConflictError`, `LakeUnavailableError`, …); everything else fails the job at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from greenroom.errors import TerminalError, TransientError, UserError

if TYPE_CHECKING:
    from greenroom.pipeline.result import RunResult


class PipelineError(UserError):
    """The pipeline was asked for something it cannot do (unknown job, bad graph)."""

    code = "pipeline_invalid"


class UnknownJobError(PipelineError):
    """A job name that the graph does not have."""

    code = "job_not_found"

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        super().__init__(
            f"job `{name}` does not exist; `greenroom pipeline status` lists the jobs "
            f"({', '.join(known)})"
        )


class GraphError(PipelineError):
    """The declared jobs do not form a graph the runner can order (a cycle, a duplicate)."""

    code = "pipeline_graph_invalid"


class PipelineBusyError(TransientError):
    """Another pipeline run holds this home's run lock."""

    code = "pipeline_busy"


class MissingInputError(TerminalError):
    """A job's required input table does not exist yet."""

    code = "pipeline_input_missing"

    def __init__(self, job: str, table: str) -> None:
        self.job = job
        self.table = table
        super().__init__(
            f"job `{job}` needs table `{table}`, which does not exist; ingest its feed first "
            f"(`greenroom ingest file …` or `greenroom demo`)"
        )


class PipelineFailedError(TerminalError):
    """A run ended with failed jobs (raised by callers that need a clean exit code)."""

    code = "pipeline_failed"

    def __init__(self, run: RunResult) -> None:
        self.run = run
        super().__init__(
            f"pipeline run `{run.run_id}` failed: {run.message}; fix the cause and run "
            "`greenroom pipeline run` again (`greenroom pipeline history` shows the run)"
        )
