"""The root of every error greenroom raises on purpose.

Two audiences, two branches (as pydantic-ai's ``UserError`` / ``AgentRunError``):

- :class:`UserError`: the caller asked for something wrong (bad SQL, unknown table,
  unknown scale, a home that cannot be used). Fix the input and try again.
- :class:`RuntimeFailure`: something failed while doing valid work. Subclasses say whether a
  retry can help by inheriting :class:`TransientError` or :class:`TerminalError`; the
  pipeline runner decides retries from the type, never from message text.

Messages name the thing in backticks and say what to do next. Every class carries a stable
``code`` (snake_case, never renamed) so the CLI, the API and the chat report the same
thing; subclasses refine it, and ``error_payload`` gives the code, the message and the data.
"""

from __future__ import annotations

from typing import Any


class GreenroomError(Exception):
    """Root of all greenroom errors. ``str(err)`` is one line a person can act on."""

    code = "greenroom_error"
    category = "internal"
    suggested_action: str | None = None
    """What to do next, when the message alone does not say it (the API's error shape)."""
    retry_after: float | None = None
    """Seconds after which a retry may succeed (rate limits, transient failures)."""

    def error_payload(self) -> dict[str, Any]:
        """The code, the category, the message, and the error's public data attributes."""
        data = {
            k: v
            for k, v in vars(self).items()
            if not k.startswith("_") and isinstance(v, str | int | float | bool | list | tuple)
        }
        return {"code": self.code, "category": self.category, "message": str(self), "data": data}


class UserError(GreenroomError):
    """Misuse or configuration: the input must change before a retry can succeed."""

    code = "invalid_request"
    category = "user"


class ConfigError(UserError):
    """Settings are missing, malformed, or point somewhere unusable."""

    code = "config_invalid"
    category = "configuration"


class RuntimeFailure(GreenroomError):
    """Valid work that failed while running."""

    code = "runtime_failure"
    category = "runtime"


class TransientError(RuntimeFailure):
    """A failure that may pass if retried (a lock, a timeout, a 5xx)."""

    code = "transient_failure"
    suggested_action = "Retry in a moment; the failure is expected to pass."


class TerminalError(RuntimeFailure):
    """A failure that retrying will not fix."""

    code = "terminal_failure"
