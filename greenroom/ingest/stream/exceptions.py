"""Errors of the live ticket stream, each on the right branch of the root hierarchy.

Misuse (an unknown shard, a bad name, a stream that does not exist) is a `UserError`;
a busy writer lock, throttling or records still failing after retries are transient;
a corrupt sealed segment is terminal. Messages name the thing and say what to do next.
"""

from __future__ import annotations

from greenroom.errors import ConfigError, RuntimeFailure, TerminalError, TransientError, UserError


class StreamConfigError(ConfigError):
    """A stream was opened with settings that cannot work (bad name, shard count mismatch)."""

    code = "stream_config_invalid"


class StreamNotFoundError(UserError):
    """The named stream does not exist and was not to be created."""

    code = "stream_not_found"

    def __init__(self, name: str, where: str) -> None:
        self.name = name
        super().__init__(
            f"stream `{name}` does not exist at {where}; "
            f"run `greenroom stream produce` first or open it with create=True"
        )


class UnknownShardError(UserError):
    """A read named a shard the stream does not have."""

    code = "shard_not_found"

    def __init__(self, stream: str, shard: str, known: list[str]) -> None:
        self.stream = stream
        self.shard = shard
        super().__init__(
            f"stream `{stream}` has no shard `{shard}`; its shards are {', '.join(known) or 'none'}"
        )


class InvalidPositionError(UserError):
    """A read or checkpoint named a sequence number that is not one."""

    code = "stream_position_invalid"

    def __init__(self, stream: str, position: str) -> None:
        self.position = position
        super().__init__(
            f"`{position}` is not a sequence number of stream `{stream}`; pass one from a "
            f"record or a checkpoint (or None to read from the oldest retained record)"
        )


class InvalidRecordError(UserError):
    """A record or partition key breaks the stream's limits (size, empty key, lengths)."""

    code = "stream_record_invalid"


class StreamBusyError(TransientError):
    """Another process holds the stream's writer lock or the consumer's lease."""

    code = "stream_busy"


class PutFailedError(TransientError):
    """Some records were still rejected by the stream after every retry."""

    code = "stream_put_failed"

    def __init__(self, stream: str, failed: int, total: int, error_codes: dict[str, int]) -> None:
        self.stream = stream
        self.failed = failed
        self.total = total
        self.error_codes = error_codes
        codes = ", ".join(f"{code} x{n}" for code, n in sorted(error_codes.items()))
        super().__init__(
            f"{failed} of {total} records were not accepted by stream `{stream}` after retries "
            f"({codes}); the stream is throttling or unhealthy: produce again later "
            f"(records already accepted are deduplicated downstream by sale id)"
        )


class StreamUnavailableError(TransientError):
    """The stream service cannot be reached or keeps throttling reads."""

    code = "stream_unavailable"


class StreamCorruptError(TerminalError):
    """A sealed segment of the local stream failed its length or CRC check."""

    code = "stream_corrupt"

    def __init__(self, path: str, offset: int, problem: str) -> None:
        self.path = path
        self.offset = offset
        super().__init__(
            f"segment `{path}` is corrupt at byte {offset} ({problem}); records past it cannot "
            f"be read: restore the stream directory from a backup or drop the stream and replay"
        )


class HandlerFailedError(RuntimeFailure):
    """The consumer's handler raised; nothing was checkpointed, the batch will be redelivered."""

    code = "stream_handler_failed"

    def __init__(self, consumer: str, records: int, cause: BaseException) -> None:
        self.consumer = consumer
        self.records = records
        super().__init__(
            f"consumer `{consumer}` failed to handle a batch of {records} records "
            f"({type(cause).__name__}: {cause}); nothing was checkpointed, so the next "
            f"`greenroom stream consume` redelivers the batch once the cause is fixed"
        )
