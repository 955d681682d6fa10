"""Errors raised by the lakehouse, each on the right branch of the root hierarchy.

Messages name the thing in backticks and say what to do next; the CLI prints them as
they are, so a user never sees a traceback for a mistake of theirs.
"""

from __future__ import annotations

from greenroom.errors import ConfigError, TerminalError, TransientError, UserError


class HomeError(ConfigError):
    """The greenroom home is missing, not writable, or built by an incompatible layout."""

    code = "home_invalid"


class TableNotFoundError(UserError):
    """A table named by the caller does not exist in the catalog."""

    code = "table_not_found"

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"table `{name}` does not exist; `greenroom lake tables` lists the tables")


class InvalidTableNameError(UserError):
    """A table name is not of the form `namespace.table` with a known namespace."""

    code = "table_name_invalid"


class SchemaMismatchError(UserError):
    """Data given to a write does not fit the table's schema."""

    code = "schema_mismatch"

    def __init__(self, table: str, column: str, problem: str) -> None:
        self.table = table
        self.column = column
        super().__init__(
            f"column `{column}` of the data does not fit table `{table}`: {problem}; "
            f"fix the data or recreate the table with a matching schema"
        )


class InvalidFilterError(UserError):
    """A `where` row filter could not be parsed or bound to the table's columns."""

    code = "filter_invalid"


class SnapshotNotFoundError(UserError):
    """Time travel asked for a snapshot id or a timestamp the table does not have."""

    code = "snapshot_not_found"


_QUERY_HINT = "check the column and table names; `DESCRIBE ns.table` lists a table's columns"


_QUERY_HINT = "check the column and table names; `DESCRIBE ns.table` lists a table's columns"


class QueryError(UserError):
    """SQL that the engine could not parse or bind. Carries the SQL and the engine message."""

    code = "query_invalid"

    def __init__(self, message: str, sql: str, hint: str | None = None) -> None:
        self.sql = sql
        self.engine_message = message
        super().__init__(f"{message} ({hint or _QUERY_HINT})")


class ReadOnlyError(UserError):
    """A statement other than a query was sent to the read-only session."""

    code = "read_only"


class CommitConflictError(TransientError):
    """A commit kept losing to concurrent writers; retrying the whole write may succeed."""

    code = "commit_conflict"


class LakeUnavailableError(TransientError):
    """The catalog or the warehouse could not be reached (locked, offline, unreachable)."""

    code = "lake_unavailable"


class LakeFilesMissingError(TerminalError):
    """A file the catalog points at is gone: the warehouse was moved, copied without its
    catalog, or files were deleted behind the catalog's back."""

    code = "lake_files_missing"

    def __init__(self, table: str, path: str) -> None:
        self.table = table
        self.path = path
        super().__init__(
            f"table `{table}`: its file `{path}` is missing; the warehouse was moved or files "
            "were deleted outside greenroom. Restore the warehouse folder, or rebuild the lake "
            "with `greenroom demo` (a home copied elsewhere still points at the original's files)"
        )


class ColumnNotFoundError(UserError):
    """A column named by the caller is not in the table."""

    code = "column_not_found"


class InvalidPartitionError(UserError):
    """A `partition_by` item names an unknown column or transform."""

    code = "partition_invalid"


class AccessDeniedError(QueryError):
    """A query tried to reach files, settings or the catalog around the lake's tables."""

    code = "access_denied"
    category = "authorization"

    def __init__(self, message: str, sql: str, hint: str | None = None) -> None:
        super().__init__(message, sql, hint or "read lake tables by name, as `ns.table`")


class ColumnHiddenError(AccessDeniedError):
    """A query named a column that a policy hides from the principal."""

    code = "column_not_permitted"
    category = "authorization"

    def __init__(self, table: str, column: str, policy: str, reason: str, sql: str) -> None:
        self.table = table
        self.column = column
        self.policy = policy
        self.reason = reason
        super().__init__(
            f"column `{column}` of `{table}` is not visible to you: {reason} (policy `{policy}`)",
            sql,
            "leave the column out; `DESCRIBE " + table + "` lists the columns you may read",
        )


class QueryFailedError(TerminalError):
    """A valid query failed while running (out of memory, unreadable data file)."""

    code = "query_failed"


class ForeignTableError(ConfigError):
    """A table's files live outside this home's warehouse (a copied home still points at
    the original's files): rewriting or deleting them would change another home."""

    code = "table_outside_warehouse"

    def __init__(self, name: str, location: str, warehouse: str) -> None:
        self.name = name
        self.location = location
        self.warehouse = warehouse
        super().__init__(
            f"table `{name}` lives at `{location}`, outside this home's warehouse `{warehouse}` "
            "(a copied home shares the original's files); nothing was changed: work on the "
            "home that owns it, or rebuild this one with `greenroom demo`"
        )


class InvalidTagError(UserError):
    """A column tag key or value holds characters the property format cannot carry."""

    code = "tag_invalid"

    def __init__(self, table: str, column: str, text: str) -> None:
        self.table = table
        self.column = column
        self.text = text
        super().__init__(
            f"tag text `{text}` for `{table}.{column}` may hold only letters, digits and "
            "`_ . : * + / -` (no `,` or `=`); rename the tag"
        )
