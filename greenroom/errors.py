"""The root of every error greenroom raises on purpose.

Two audiences, two branches (as pydantic-ai's ``UserError`` / ``AgentRunError``):

- :class:`UserError`: the caller asked for something wrong (bad SQL, unknown table,
  unknown scale, a home that cannot be used). Fix the input and try again.
- :class:`RuntimeFailure`: something failed while doing valid work. Subclasses say whether a
  retry can help by inheriting :class:`TransientError` or :class:`TerminalError`; the
  pipeline runner decides retries from the type, never from message text.

Messages name the thing in backticks and say what to do next.
"""

from __future__ import annotations


class GreenroomError(Exception):
    """Root of all greenroom errors. ``str(err)`` is one line a person can act on."""


class UserError(GreenroomError):
    """Misuse or configuration: the input must change before a retry can succeed."""


class ConfigError(UserError):
    """Settings are missing, malformed, or point somewhere unusable."""


class RuntimeFailure(GreenroomError):
    """Valid work that failed while running."""


class TransientError(RuntimeFailure):
    """A failure that may pass if retried (a lock, a timeout, a 5xx)."""


class TerminalError(RuntimeFailure):
    """A failure that retrying will not fix."""
