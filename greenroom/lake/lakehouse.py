"""`Lakehouse`: the one door to the Iceberg tables (catalog, writes, scans, time travel).

Nothing is opened until first used. Table names are `namespace.table`; every write is
one atomic Iceberg commit (see `_writes`); reads come back as Arrow.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, TypeVar

import pyarrow as pa
from pyiceberg.catalog import Catalog
from pyiceberg.exceptions import (
    CommitFailedException,
    NamespaceAlreadyExistsError,
    NoSuchNamespaceError,
    NoSuchTableError,
    TableAlreadyExistsError,
)
from pyiceberg.table import Table
from sqlalchemy.exc import IntegrityError, OperationalError

from greenroom.config import Settings, get_settings
from greenroom.lake import _writes
from greenroom.lake._conform import iceberg_compatible_schema
from greenroom.lake._filters import parse_filter
from greenroom.lake._names import NAMESPACES, split_name
from greenroom.lake._partitions import add_partition_fields
from greenroom.lake._purge import Purge, Removal, RowMask, purge_history, remove_rows
from greenroom.lake._snapshots import (
    _dt_to_ms,
    expire,
    resolve_snapshot,
    snapshot_infos,
    table_info,
)
from greenroom.lake._tags import TAG_PROPERTY as TAG_PROPERTY
from greenroom.lake.catalogs import open_catalog
from greenroom.lake.exceptions import (
    ColumnNotFoundError,
    ForeignTableError,
    LakeFilesMissingError,
    LakeUnavailableError,
    TableNotFoundError,
)
from greenroom.lake.home import validate_home
from greenroom.lake.records import SnapshotInfo, TableInfo

if TYPE_CHECKING:
    from greenroom.lake.governor import Governor
    from greenroom.lake.session import Session

T = TypeVar("T")


class Lakehouse:
    """The lake of one greenroom home (`settings.home`)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings
        self._catalog: Catalog | None = None
        self._validated = False
        self._lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings | None = None, *, create: bool = False) -> Lakehouse:
        """Validate the home (creating it, its marker and namespaces with `create`) and open it."""
        lake = cls(settings)
        validate_home(lake.settings.home, create=create)
        lake._validated = True
        if create:
            lake._ensure_namespaces()
        return lake

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = get_settings()
        return self._settings

    @property
    def catalog(self) -> Catalog:
        """The pyiceberg catalog (opened on first use). For `greenroom.lake` internals."""
        with self._lock:
            if self._catalog is None:
                if not self._validated:
                    validate_home(self.settings.home, create=False)
                    self._validated = True
                self._catalog = _guard("the catalog", lambda: open_catalog(self.settings))
            return self._catalog

    def _ensure_namespaces(self) -> None:
        for ns in NAMESPACES:
            self._ensure_namespace(ns)

    def _ensure_namespace(self, ns: str) -> None:
        """Create namespace `ns` unless it exists; losing a race to create it is success.

        pyiceberg's SQL catalog checks, then inserts: a concurrent creator between the two
        makes the insert fail on the unique key (`IntegrityError`), not with
        `NamespaceAlreadyExistsError`.
        """
        try:
            _guard("the catalog", partial(self.catalog.create_namespace_if_not_exists, ns))
        except (NamespaceAlreadyExistsError, IntegrityError):
            if not _guard("the catalog", partial(self.catalog.namespace_exists, ns)):
                raise

    # ---- tables -------------------------------------------------------------------------

    def load_table(self, name: str) -> Table:
        """The pyiceberg table `name` (fresh metadata). For `greenroom.lake` internals."""
        ident = split_name(name)
        try:
            return _guard(name, lambda: self.catalog.load_table(ident))
        except (NoSuchTableError, NoSuchNamespaceError):
            raise TableNotFoundError(name) from None

    def exists(self, name: str) -> bool:
        ident = split_name(name)
        return _guard(name, lambda: self.catalog.table_exists(ident))

    def list_tables(self, namespace: str | None = None) -> list[TableInfo]:
        """Every table (or those of `namespace`), sorted by name, with counts from snapshot summaries."""
        namespaces = NAMESPACES if namespace is None else (split_name(f"{namespace}.x")[0],)
        infos: list[TableInfo] = []
        for ns in namespaces:
            try:
                idents = _guard(ns, partial(self.catalog.list_tables, ns))
            except NoSuchNamespaceError:
                continue
            for ident in idents:
                name = ".".join(ident)
                try:
                    infos.append(table_info(name, self.load_table(name)))
                except TableNotFoundError:  # dropped meanwhile
                    continue
        return sorted(infos, key=lambda i: i.name)

    def versions(self) -> dict[str, str]:
        """Each table's current metadata location: it changes exactly when the table does."""
        from greenroom.lake._versions import table_versions

        return _guard("the catalog", lambda: table_versions(self.catalog, NAMESPACES))

    def create_table(
        self,
        name: str,
        schema: pa.Schema,
        partition_by: Sequence[tuple[str, str]] = (),
        properties: Mapping[str, str] | None = None,
        *,
        evolve: bool = False,
    ) -> None:
        """Create `name` unless it exists (idempotent).

        An existing table keeps its schema, unless `evolve` is set: then columns of `schema`
        the table lacks are added (nullable; older rows read them as null). Existing
        columns never change type. `partition_by` items are `(column, transform)`:
        `identity`, `year`, `month`, `day`, `hour`, `bucket[N]`, `truncate[W]`.
        """
        ident = split_name(name)
        if self.exists(name):
            if evolve:
                self._add_missing_columns(name, schema)
            return
        props = {**_writes.TABLE_DEFAULTS, **(properties or {})}
        storable = iceberg_compatible_schema(schema)

        def _create() -> None:
            txn = self.catalog.create_table_transaction(ident, schema=storable, properties=props)
            if partition_by:
                add_partition_fields(txn, name, partition_by)
            txn.commit_transaction()

        self._ensure_namespace(ident[0])
        try:
            _guard(name, _create)
        except (TableAlreadyExistsError, CommitFailedException):
            # A concurrent creator won: the insert hit the unique key, or the commit found
            # the table there (pyiceberg's "Table already exists"). Go on with its table,
            # as if it had existed before.
            if not self.exists(name):
                raise
            if evolve:
                self._add_missing_columns(name, schema)

    def _add_missing_columns(self, name: str, schema: pa.Schema) -> None:
        """Add the columns of `schema` that `name` lacks; a concurrent writer adding them
        (or changing the schema) first makes the commit fail, and the retry sees them."""

        def attempt() -> None:
            table = self.load_table(name)
            have = {f.name for f in table.schema().fields}
            new = [
                f.with_nullable(True)
                for f in iceberg_compatible_schema(schema)
                if f.name not in have
            ]
            if not new:
                return

            def _evolve() -> None:
                with table.update_schema() as update:
                    update.union_by_name(pa.schema(new))

            _guard(name, _evolve)

        _writes.with_retries(name, True, attempt)

    def drop_table(self, name: str) -> None:
        """Remove `name` from the catalog (its files stay until cleaned up)."""
        ident = split_name(name)
        try:
            _guard(name, lambda: self.catalog.drop_table(ident))
        except (NoSuchTableError, NoSuchNamespaceError):
            raise TableNotFoundError(name) from None

    def schema(self, name: str) -> pa.Schema:
        """The Arrow schema of `name`; a described column carries its doc in the field
        metadata under `b"doc"`."""
        return self.load_table(name).schema().as_arrow()

    def column_tags(self, name: str) -> dict[str, dict[str, str]]:
        """Column → tags (``{"pii": "email"}``) kept in the table's properties as
        ``greenroom.tags.<column> = key=value[,key=value]``."""
        from greenroom.lake._tags import parse_tags

        return parse_tags(self.load_table(name).properties)

    def set_column_tags(self, name: str, tags: Mapping[str, Mapping[str, str]]) -> bool:
        """Give each column of `tags` its tags (``{"email": {"pii": "email"}}``), merged over
        the tags it has: one property commit, made only when one differs (True when it was).

        Idempotent; a concurrent commit makes it retry on the new metadata. An unknown
        column raises `ColumnNotFoundError`; a key or value with `,` or `=`, `InvalidTagError`;
        a table of another home (a copied home), `ForeignTableError`.
        """
        from greenroom.lake._tags import apply_tags

        def attempt() -> bool:
            table = self._owned(name)  # the commit writes metadata beside the table's files
            return _guard(name, lambda: apply_tags(table, name, tags))

        return _writes.with_retries(name, True, attempt)

    def describe_columns(
        self, name: str, docs: Mapping[str, str], *, comment: str | None = None
    ) -> bool:
        """Make `docs` (column → description) the Iceberg field docs of `name`, and `comment`
        its table comment: one commit, made only when one differs (True when it was).

        Idempotent; a concurrent schema change makes the commit fail and the retry compare
        again on the new schema. An unknown column raises `ColumnNotFoundError`.
        """
        from greenroom.lake._docs import apply_docs

        def attempt() -> bool:
            table = self.load_table(name)
            return _guard(name, lambda: apply_docs(table, name, docs, comment))

        return _writes.with_retries(name, True, attempt)

    # ---- writes -------------------------------------------------------------------------

    def append(
        self,
        name: str,
        data: pa.Table | pa.RecordBatchReader,
        *,
        properties: Mapping[str, str] | None = None,
    ) -> int:
        """Add `data` to `name` in one commit; returns the new snapshot id."""
        snapshot = self._write(name, data, None, properties)
        assert snapshot is not None
        return snapshot

    def overwrite(
        self,
        name: str,
        data: pa.Table | pa.RecordBatchReader,
        *,
        where: str | None = None,
        properties: Mapping[str, str] | None = None,
    ) -> int:
        """Replace the whole table (or the rows matching `where`) by `data`, in one commit."""
        snapshot = self._write(name, data, where or "", properties)
        assert snapshot is not None
        return snapshot

    def _write(
        self,
        name: str,
        data: pa.Table | pa.RecordBatchReader,
        where: str | None,
        properties: Mapping[str, str] | None,
    ) -> int | None:
        if not isinstance(data, (pa.Table, pa.RecordBatchReader)):
            raise TypeError(f"data for `{name}` must be a pyarrow Table or RecordBatchReader")

        def attempt() -> int | None:
            table = self.load_table(name)
            delete_filter = None if where is None else parse_filter(where, table.schema(), name)
            return _writes.write(
                table, name, data, delete_filter=delete_filter, properties=properties
            )

        return _writes.with_retries(name, isinstance(data, pa.Table), attempt)

    def delete(self, name: str, where: str) -> int | None:
        """Delete rows matching `where` in one commit; the new snapshot id, or None if none matched."""

        def attempt() -> int | None:
            table = self.load_table(name)
            expr = parse_filter(where, table.schema(), name)
            return _writes.delete(table, expr, None)

        return _writes.with_retries(name, True, attempt)

    # ---- reads --------------------------------------------------------------------------

    def scan(
        self,
        name: str,
        *,
        where: str | None = None,
        columns: Sequence[str] | None = None,
        snapshot_id: int | None = None,
        as_of: datetime | None = None,
    ) -> pa.RecordBatchReader:
        """Stream the rows of `name` (optionally filtered, projected, or as of a snapshot/time)."""
        table = self.load_table(name)
        snap = resolve_snapshot(table, name, snapshot_id, as_of)
        row_filter = parse_filter(where, table.schema(), name)
        fields: tuple[str, ...] = ("*",)
        if columns is not None:
            known = set(table.schema().column_names)
            missing = [c for c in columns if c not in known]
            if missing:
                raise ColumnNotFoundError(
                    f"column `{missing[0]}` is not in `{name}`; its columns are "
                    f"{', '.join(f.name for f in table.schema().fields)}"
                )
            fields = tuple(columns)
        scan = table.scan(row_filter=row_filter, selected_fields=fields, snapshot_id=snap)
        return _guard(name, scan.to_arrow_batch_reader)

    def read(
        self,
        name: str,
        *,
        where: str | None = None,
        columns: Sequence[str] | None = None,
        snapshot_id: int | None = None,
        as_of: datetime | None = None,
    ) -> pa.Table:
        """`scan` collected into one Arrow table."""
        reader = self.scan(name, where=where, columns=columns, snapshot_id=snapshot_id, as_of=as_of)
        return reader.read_all()

    # ---- history ------------------------------------------------------------------------

    def snapshots(self, name: str) -> list[SnapshotInfo]:
        """Every snapshot of `name`, oldest first."""
        return snapshot_infos(self.load_table(name))

    def expire_snapshots(
        self, name: str, *, older_than: datetime | None = None, retain_last: int = 1
    ) -> int:
        """Forget snapshots beyond the newest `retain_last` (and older than `older_than`).

        Returns how many were expired. Data files stay on disk.
        """

        def attempt() -> int:
            return expire(self.load_table(name), older_than=older_than, retain_last=retain_last)

        return _writes.with_retries(name, True, attempt)

    # ---- erasure ------------------------------------------------------------------------

    def remove_rows(
        self,
        name: str,
        mask: RowMask,
        *,
        prefilter: str | None = None,
        properties: Mapping[str, str] | None = None,
        dry_run: bool = False,
    ) -> Removal:
        """Drop the rows `mask` selects (reading only files `prefilter` may hold), rewriting
        just the files that hold one, in one commit (see `_purge`); `dry_run` only counts them."""

        def attempt() -> Removal:
            table = self._owned(name)
            expr = None if prefilter is None else parse_filter(prefilter, table.schema(), name)
            return remove_rows(
                table, mask, prefilter=expr, properties=dict(properties or {}), dry_run=dry_run
            )

        return _writes.with_retries(name, True, attempt)

    def purge_history(self, name: str, *, older_than: datetime | None = None) -> Purge:
        """Expire every snapshot of `name` but the current one (or those older than
        `older_than`, tags and branches kept) and delete the files only they reached (data,
        manifests, old metadata): no expired version stays on disk."""
        cutoff = None if older_than is None else _dt_to_ms(older_than)

        def attempt() -> Purge:
            return purge_history(self._owned(name), older_than_ms=cutoff)

        return _writes.with_retries(name, True, attempt)

    def check_owned(self, name: str) -> None:
        """Raise `ForeignTableError` unless `name` keeps its files in this home's warehouse."""
        self._owned(name)

    def _owned(self, name: str) -> Table:
        """`name`, checked to keep its files in this home's warehouse (a home copied with
        `cp -a` keeps the original's absolute paths: never delete files of another home)."""
        table = self.load_table(name)
        root = self.settings.warehouse.rstrip("/") + "/"
        if not (table.metadata.location.rstrip("/") + "/").startswith(root):
            raise ForeignTableError(name, table.metadata.location, self.settings.warehouse)
        return table

    # ---- SQL ----------------------------------------------------------------------------

    def session(self, governor: Governor | None = None) -> Session:
        """A read-only DuckDB session where every table `ns.name` is queryable as `ns.name`.

        Without `governor` it is the `system` principal's session (platform jobs only);
        user-facing reads go through `greenroom.governance.governed_session`, which passes
        the principal's governor.
        """
        from greenroom.lake.session import Session

        return Session(self, governor)


def _guard(what: str, call: Callable[[], T]) -> T:
    """Run a catalog call, turning a locked/unreachable catalog into `LakeUnavailableError`."""
    try:
        return call()
    except OperationalError as exc:
        detail = str(exc.orig or exc).splitlines()[0]
        raise LakeUnavailableError(
            f"the lake catalog is unavailable while using `{what}` ({detail}); retry shortly"
        ) from None
    except FileNotFoundError as exc:
        raise LakeFilesMissingError(what, _missing_path(exc)) from None


def _missing_path(exc: FileNotFoundError) -> str:
    """The path pyarrow's message quotes (it sets no `filename`), else the message."""
    if exc.filename:
        return str(exc.filename)
    quoted = re.search(r"'([^']+)'", str(exc))
    return quoted.group(1) if quoted else str(exc)
