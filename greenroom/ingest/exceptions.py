"""Errors of the ingest layer.

Partner API failures are split the way the pipeline runner needs them: a
:class:`PartnerUnavailableError` (5xx, timeouts, throttling, a broken page, an open
circuit) may pass on a later run and is a :class:`~greenroom.errors.TransientError`; a
:class:`PartnerAuthError` or :class:`PartnerRequestError` will not pass until someone
changes credentials or the request, so they are :class:`~greenroom.errors.TerminalError`.
Every error carries the partner and, where there is one, the HTTP status and the URL
(secrets removed).
"""

from __future__ import annotations

from greenroom.errors import ConfigError, TerminalError, TransientError, UserError


class PartnerError(Exception):
    """Mixin carrying what every partner failure knows: who, what status, which URL."""

    def __init__(
        self,
        message: str,
        *,
        partner: str,
        status: int | None = None,
        url: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.partner = partner
        self.status = status
        self.url = url
        self.retry_after = retry_after


class PartnerUnavailableError(PartnerError, TransientError):
    """The partner did not answer usefully (5xx, connection refused); retry later."""

    code = "partner_unavailable"


class PartnerTimeoutError(PartnerUnavailableError):
    """The partner did not answer within the configured timeout."""

    code = "partner_timeout"


class PartnerRateLimitedError(PartnerUnavailableError):
    """The partner throttled us (429, or MusicBrainz's 503); ``retry_after`` says how long."""

    code = "partner_rate_limited"


class MalformedResponseError(PartnerUnavailableError):
    """A 2xx answer whose body is not the document the protocol promises."""

    code = "partner_response_malformed"


class CircuitOpenError(PartnerUnavailableError):
    """Too many consecutive failures: calls to the partner are suspended for a cool-down."""

    code = "partner_circuit_open"


class PartnerAuthError(PartnerError, TerminalError):
    """The partner refused our credentials (401/403, or a rejected OAuth client)."""

    code = "partner_auth_failed"


class PartnerRequestError(PartnerError, TerminalError):
    """The partner rejected the request itself (a 4xx other than auth and throttling)."""

    code = "partner_request_invalid"


class PartnerLimitError(PartnerError, TerminalError):
    """A protocol limit (deep paging, search window) keeps part of the data unreachable."""

    code = "partner_limit_reached"


class PartnerDataError(PartnerError, TerminalError):
    """The partner's records cannot form one table (a field changes type between records)."""

    code = "partner_data_invalid"


class PartnerConfigError(ConfigError):
    """Partner settings are incomplete (for example a real base URL without credentials)."""

    code = "partner_config_invalid"


class BadFileError(UserError):
    """A source file that cannot be read as its feed's format (truncated, corrupt, wrong
    feed); nothing from it is committed."""

    code = "file_invalid"
