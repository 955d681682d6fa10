"""Right to erasure: after `erase_customer` no file of the home holds the person.

The search decodes every file it can — Parquet (rows and footer statistics), Avro
manifests (each block decompressed), JSON/CSV/NDJSON/XML text, SQLite databases (dumped),
gzip, the stream log's segments — and also looks at the raw bytes. It runs before the
erasure too (it must find the person: a positive control) and for another customer after
it (who must still be found).
"""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from greenroom.agent.memory import SqliteMemory, memory_path
from greenroom.config import Settings
from greenroom.governance.audit import AuditLog
from greenroom.governance.erasure import erase_customer, subject_hash
from greenroom.governance.exceptions import UnknownCustomerError
from greenroom.ingest.stream.factory import open_stream
from greenroom.lake import Lakehouse
from tests.conftest import BuiltWorld, _build_world


@dataclass(frozen=True)
class Person:
    golden: str
    source: str
    email: str
    name: str

    @property
    def needles(self) -> list[str]:
        return [self.golden, self.source, self.email, self.name]


# ---- the search ------------------------------------------------------------------------


def _read_long(buf: io.BytesIO) -> int:
    shift, acc = 0, 0
    while True:
        byte = buf.read(1)[0]
        acc |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return (acc >> 1) ^ -(acc & 1)
        shift += 7


def _avro_blocks(data: bytes) -> Iterator[bytes]:
    """The decompressed data blocks of an Avro container file (null or deflate codec)."""
    buf = io.BytesIO(data)
    assert buf.read(4) == b"Obj\x01"
    meta: dict[str, bytes] = {}
    while (count := _read_long(buf)) != 0:
        if count < 0:
            _read_long(buf)
            count = -count
        for _ in range(count):
            key = buf.read(_read_long(buf)).decode()
            meta[key] = buf.read(_read_long(buf))
    buf.read(16)
    codec = meta.get("avro.codec", b"null")
    yield json.dumps(json.loads(meta.get("avro.schema", b"{}"))).encode()
    while buf.tell() < len(data):
        _read_long(buf)  # objects in the block
        block = buf.read(_read_long(buf))
        buf.read(16)
        yield zlib.decompress(block, -15) if codec == b"deflate" else block


def _texts(path: Path) -> Iterator[bytes]:
    """Every decoding of the file we know, and its raw bytes."""
    data = path.read_bytes()
    yield data
    name = path.name
    if name.endswith(".parquet"):
        yield json.dumps(pq.read_table(path).to_pylist(), default=str, ensure_ascii=False).encode()
        meta = pq.ParquetFile(path).metadata
        for g in range(meta.num_row_groups):
            for c in range(meta.num_columns):
                stats = meta.row_group(g).column(c).statistics
                if stats is not None and stats.has_min_max:
                    yield f"{stats.min!s} {stats.max!s}".encode()
    elif name.endswith(".avro"):
        yield from _avro_blocks(data)
    elif name.endswith(".gz"):
        yield gzip.decompress(data)
    elif data[:16] == b"SQLite format 3\x00":
        with closing(sqlite3.connect(path)) as conn:
            yield "\n".join(conn.iterdump()).encode()


def search(home: Path, needles: list[str]) -> tuple[int, dict[str, set[str]]]:
    """(files scanned, file → needles found) under `home`, the landing folder aside."""
    landing = home / "landing"
    found: dict[str, set[str]] = {}
    scanned = 0
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        if path.is_relative_to(landing):
            continue
        scanned += 1
        for blob in _texts(path):
            low = blob.lower()
            hits = {n for n in needles if n.encode().lower() in low}
            if hits:
                found.setdefault(str(path.relative_to(home)), set()).update(hits)
    return scanned, found


# ---- the world ------------------------------------------------------------------------


def _pick(lake: Lakehouse, skip: set[str]) -> Person:
    """A customer with sales in several channels, an ASCII name no one else has."""
    with lake.session() as s:
        rows = s.sql(
            """
            WITH sales AS (
                SELECT customer_id, count(DISTINCT channel) AS channels, count(*) AS n
                FROM silver.ticket_sales GROUP BY customer_id)
            SELECT c.customer_id, x.source_record_id, c.email, c.full_name
            FROM silver.customers c
            JOIN silver.entity_xref x ON x.entity_type = 'customer' AND x.entity_id = c.customer_id
            JOIN sales USING (customer_id)
            WHERE regexp_matches(c.full_name, '^[A-Za-z ]+$')
              AND (SELECT count(*) FROM silver.customers o WHERE o.full_name = c.full_name) = 1
            ORDER BY sales.channels DESC, sales.n DESC, c.customer_id
            LIMIT 10
            """
        ).to_pylist()
    for row in rows:
        if row["customer_id"] not in skip:
            return Person(*row.values())
    raise AssertionError("no customer fits")


@dataclass(frozen=True)
class Scene:
    settings: Settings
    subject: Person
    control: Person


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Scene:
    """A tiny messy world of its own (erasure changes it), plus a stream log and chat
    memory that mention the subject and the control customer."""
    built: BuiltWorld = _build_world(tmp_path_factory.mktemp("erasure"), clean=False)
    settings = built.settings
    lake = Lakehouse.open(settings)
    subject = _pick(lake, set())
    control = _pick(lake, {subject.golden})
    stream = open_stream("local", state_dir=settings.state_dir, shards=2)
    records, keys = [], []
    for i in range(40):
        who = (subject, control)[i % 3 == 0]
        body = {"sale_id": f"TMS-9{i:08d}", "customer_id": who.source, "quantity": 1}
        records.append(json.dumps(body).encode())
        keys.append(f"evt-{i}")
    assert stream.put_records(records, keys).failed_count == 0
    stream.close()
    memory = SqliteMemory(memory_path(settings.home))
    for who in (subject, control):
        memory.create_event("admin", f"s-{who.golden}", {"text": f"what did {who.name} buy?"})
        memory.put_record("admin", "facts", who.golden, {"email": who.email})
    return Scene(settings, subject, control)


def _counts(lake: Lakehouse) -> dict[str, int]:
    return {t.name: t.rows for t in lake.list_tables()}


def _customer_rows(lake: Lakehouse, golden: str) -> int:
    rows: int = lake.read("silver.ticket_sales", where=f"customer_id = '{golden}'").num_rows
    return rows


@pytest.mark.slow
def test_erasure_leaves_no_trace_and_keeps_everyone_else(scene: Scene) -> None:
    home = scene.settings.home
    lake = Lakehouse.open(scene.settings)
    subject, control = scene.subject, scene.control

    scanned_before, before = search(home, subject.needles)
    found_before = set().union(*before.values())
    assert found_before == set(subject.needles), "positive control: the search finds the person"
    assert any(p.startswith("raw/") for p in before)
    assert any(p.startswith("warehouse/") and p.endswith(".parquet") for p in before)
    assert any(p.endswith(".seg") for p in before)
    assert "memory.db" in before
    counts_before = _counts(lake)
    control_rows = _customer_rows(lake, control.golden)
    audit_before = len(AuditLog(home).records())

    result = erase_customer(scene.settings, subject.source, requested_by="admin")

    scanned_after, after = search(home, subject.needles)
    print(
        f"\nerasure: rows removed {result.rows_removed}; raw {result.raw_records_removed}; "
        f"stream {result.stream_records_removed}; memory {result.memory_rows_removed}; "
        f"data files rewritten {result.data_files_rewritten}; snapshots expired "
        f"{result.snapshots_expired}; files deleted {result.files_deleted}; files scanned "
        f"{scanned_before} before / {scanned_after} after; files with hits {len(before)} "
        f"before / {len(after)} after"
    )
    assert after == {}, f"the person is still in {after}"
    _, control_after = search(home, control.needles)
    assert set().union(*control_after.values()) == set(control.needles)

    # rows reconcile: before - removed = after, every other table unchanged
    counts_after = _counts(lake)
    assert set(counts_after) == set(counts_before)
    for table, rows in counts_before.items():
        assert counts_after[table] == rows - result.rows_removed.get(table, 0), table
    assert result.rows_removed["silver.customers"] == 1
    assert result.rows_removed["silver.ticket_sales"] > 0
    assert result.stream_records_removed == 26  # i % 3 != 0 of 40
    assert result.memory_rows_removed == 2
    assert sum(result.raw_records_removed.values()) > 0
    assert _customer_rows(lake, control.golden) == control_rows
    for table in result.rows_removed:
        assert len(lake.snapshots(table)) == 1, f"{table} keeps older snapshots"

    # the stream still reads, and only the control's records are left
    stream = open_stream("local", state_dir=scene.settings.state_dir, create=False)
    left = [r for shard in stream.shards() for r in stream.read(shard, None, 1000)]
    stream.close()
    assert len(left) == 14
    assert all(control.source in r.data.decode() for r in left)

    # one audit record, no personal data in it, and the chain holds
    log = AuditLog(home)
    records = log.records()
    assert len(records) == audit_before + 1
    record = records[-1]
    assert record.action == "erasure"
    assert record.detail["subject_sha256"] == subject_hash(home, subject.source)
    text = json.dumps(record.as_dict()).lower()
    assert not any(n.lower() in text for n in subject.needles)
    assert log.verify().ok

    # erased means unknown from now on
    with pytest.raises(UnknownCustomerError) as info:
        erase_customer(scene.settings, subject.golden, requested_by="admin")
    assert info.value.code == "customer_not_found"


def test_unknown_customer_names_what_to_do(lake: Lakehouse, lake_settings: Settings) -> None:
    with pytest.raises(UnknownCustomerError, match=r"silver\.customers") as info:
        erase_customer(lake_settings, "CRM-0000000", requested_by="admin")
    assert "greenroom query" in str(info.value)
    with pytest.raises(UnknownCustomerError):
        erase_customer(lake_settings, "x' OR '1'='1", requested_by="admin")


def test_a_copied_home_refuses_to_touch_the_original(lake: Lakehouse, tmp_path: Path) -> None:
    """`cp -a` keeps the catalog's absolute paths: erasing in the copy would delete the
    original's files. It is refused before anything changes."""
    import shutil

    import pyarrow as pa

    lake.create_table("silver.customers", pa.schema([("customer_id", pa.string())]))
    lake.append("silver.customers", pa.table({"customer_id": ["cus_1"]}))
    copy = tmp_path / "copy"
    shutil.copytree(lake.settings.home, copy)
    before = sorted(p.name for p in lake.settings.warehouse_dir.rglob("*"))
    with pytest.raises(Exception, match="outside this home's warehouse") as info:
        erase_customer(Settings(home=copy), "cus_1", requested_by="admin")
    assert getattr(info.value, "code", None) == "table_outside_warehouse"
    assert sorted(p.name for p in lake.settings.warehouse_dir.rglob("*")) == before
