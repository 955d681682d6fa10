"""Errors of the web data layer. Each carries a stable `code` (the API maps it to a status)."""

from __future__ import annotations

from greenroom.errors import UserError


class WebQueryError(UserError):
    """A dashboard or API query asked for something that cannot be answered as asked."""

    code = "web_query_invalid"


class ConcertNotFoundError(WebQueryError):
    """No concert in `silver.concerts` has the id asked for."""

    code = "concert_not_found"

    def __init__(self, concert_id: str) -> None:
        self.concert_id = concert_id
        super().__init__(
            f"concert `{concert_id}` does not exist; list concert ids with "
            '`greenroom query "SELECT concert_id, event_date FROM silver.concerts"`'
        )


class PipelineRunNotFoundError(WebQueryError):
    """No pipeline run in `ops.pipeline_runs` has the id asked for."""

    code = "pipeline_run_not_found"

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        super().__init__(
            f"pipeline run `{run_id}` is not recorded; `greenroom pipeline history` lists the runs"
        )


class PeriodConflictError(WebQueryError):
    """Both a relative period and explicit dates were given."""

    code = "period_conflict"
