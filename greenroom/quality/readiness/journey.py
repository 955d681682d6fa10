"""One ticket sale followed from the raw bytes as received, through its bronze row and
silver row, to the gold numbers it is summed into (each checked against silver)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenroom.lake.jsonable import jsonable as plain
from greenroom.quality.contract import load_contract
from greenroom.quality.readiness.exceptions import RecordNotFoundError
from greenroom.quality.readiness.records import FollowedRecord

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse
    from greenroom.lake.reader import Reader

MAX_LINE = 2_000
"""Characters of the raw line kept (a JSON document may be one long line)."""


def follow_record(lake: Lakehouse, reader: Reader, sale_id: str | None = None) -> FollowedRecord:
    """Follow `sale_id` (default: the first sale, by id, of a completed concert)."""
    sale = _one(
        reader,
        "SELECT s.* FROM silver.ticket_sales AS s "
        + (
            "WHERE s.sale_id = ?"
            if sale_id
            else "JOIN silver.concerts AS c USING (concert_id) WHERE c.status = 'completed' "
            "ORDER BY s.sale_id LIMIT 1"
        ),
        [sale_id] if sale_id else [],
        "sale",
        sale_id or "of a completed concert",
    )
    concert = _one(
        reader,
        "SELECT concert_id, artist_id, venue_id, event_date, status, total_attendance, "
        "revenue FROM silver.concerts WHERE concert_id = ?",
        [sale["concert_id"]],
        "concert",
        sale["concert_id"],
    )
    bronze = _bronze(reader, sale)
    return FollowedRecord(
        sale_id=sale["sale_id"],
        raw=_raw(lake, reader, sale),
        bronze=plain(bronze),
        silver=plain(sale),
        concert=plain(concert),
        gold=plain(_gold(reader, sale, concert)),
    )


def _one(reader: Reader, sql: str, params: list[Any], what: str, key: str) -> dict[str, Any]:
    rows: list[dict[str, Any]] = reader.sql(sql, params).to_pylist()
    if not rows:
        raise RecordNotFoundError(what, key)
    return rows[0]


def _bronze(reader: Reader, sale: dict[str, Any]) -> dict[str, Any]:
    """The bronze row of the sale's batch whose record id (or another unique property of
    the feed's contract) is the sale's source record id."""
    contract = load_contract(sale["source"])
    keys = [contract.table.record_id] + [
        p.name for p in contract.table.properties if p.unique and p.path is None
    ]
    match = " OR ".join(f'CAST(t."{k}" AS VARCHAR) = ?' for k in dict.fromkeys(keys))
    return _one(
        reader,
        f"SELECT * FROM bronze.{contract.feed} AS t WHERE t._batch_id = ? AND ({match}) LIMIT 1",
        [sale["batch_id"]] + [sale["source_record_id"]] * len(dict.fromkeys(keys)),
        f"bronze record of {contract.feed}",
        sale["source_record_id"],
    )


def _raw(lake: Lakehouse, reader: Reader, sale: dict[str, Any]) -> dict[str, Any]:
    """The line of the raw file holding the record, as received (bytes decoded as UTF-8)."""
    batch = _one(
        reader,
        "SELECT batch_id, origin, raw_path, content_sha256 FROM ops.ingestion_batches "
        "WHERE batch_id = ?",
        [sale["batch_id"]],
        "ingestion batch",
        sale["batch_id"],
    )
    out: dict[str, Any] = {**batch, "line_number": None, "line": None}
    path = Path(batch["raw_path"])
    if not path.is_file():  # on object storage, or moved: the path is still the lineage
        return out
    data = path.read_bytes()
    at = data.find(str(sale["source_record_id"]).encode())
    if at < 0:
        return out
    start = data.rfind(b"\n", 0, at) + 1
    end = data.find(b"\n", at)
    line = data[start : end if end >= 0 else len(data)].decode("utf-8", errors="replace")
    out["line_number"] = data.count(b"\n", 0, start) + 1
    out["line"] = line if len(line) <= MAX_LINE else line[:MAX_LINE] + "…"
    return out


def _gold(reader: Reader, sale: dict[str, Any], concert: dict[str, Any]) -> dict[str, Any]:
    """The gold rows the sale feeds, and the same sums recomputed from silver."""
    group = [sale["concert_id"], sale["price_tier"], sale["channel"]]
    daily = reader.sql(
        "SELECT * FROM gold.sales_daily WHERE concert_id = ? AND price_tier = ? AND channel = ?",
        group,
    ).to_pylist()
    check = reader.sql(
        "SELECT count(*) AS transactions, CAST(sum(quantity) AS BIGINT) AS tickets_sold, "
        "round(sum(quantity * unit_price), 2) AS revenue FROM silver.ticket_sales "
        "WHERE concert_id = ? AND price_tier = ? AND channel = ?",
        group,
    ).to_pylist()[0]
    artist = reader.sql(
        "SELECT * FROM gold.artist_performance WHERE artist_id = ?", [concert["artist_id"]]
    ).to_pylist()
    venue = reader.sql(
        "SELECT * FROM gold.venue_popularity WHERE venue_id = ?", [concert["venue_id"]]
    ).to_pylist()
    return {
        "contribution": {
            "tickets": sale["quantity"],
            "revenue": round(sale["quantity"] * sale["unit_price"], 2),
        },
        "sales_daily": daily[0] if daily else None,
        "sales_daily_from_silver": check,
        "artist_performance": artist[0] if artist else None,
        "venue_popularity": venue[0] if venue else None,
    }
