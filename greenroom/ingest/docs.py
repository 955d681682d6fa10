"""Column descriptions of the bronze and quarantine tables, written into their Iceberg schemas.

A bronze column's doc is the description of the contract property of the same name
(`greenroom/quality/contracts/<feed>.yaml`); the lineage columns ingestion adds are
described here. The table's comment is the contract's `purpose`. Applied on every load:
`Lakehouse.describe_columns` commits only when something differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse
    from greenroom.quality.contract import Contract

LINEAGE_DOCS: dict[str, str] = {
    "_source": "Platform lineage: the source feed the record came from.",
    "_batch_id": "Platform lineage: the ingestion batch that delivered the record "
    "(ops.ingestion_batches).",
    "_ingested_at": "Platform lineage: UTC time the batch was ingested.",
    "_warnings": "Ids of the contract's `warn` rules the record broke (it was kept).",
    "_record_hash": "MD5 of the record as received: follows it from the raw file to gold.",
}
QUARANTINE_DOCS: dict[str, str] = {
    **LINEAGE_DOCS,
    "source_record_id": "The record's id in its feed; null when it had none.",
    "reasons": "Ids of the contract rules the record broke (`<feed>.<property>.<kind>`).",
    "payload": "The record as received, as text.",
}


def bronze_docs(contract: Contract, columns: Sequence[str]) -> dict[str, str]:
    """Descriptions of the bronze table's `columns`: contract properties and lineage."""
    described = {p.name: p.description for p in contract.table.properties if p.description}
    docs = {**described, **LINEAGE_DOCS}
    return {c: docs[c] for c in columns if c in docs}


def purpose(contract: Contract) -> str | None:
    """The contract's `description.purpose` (or its description when that is text)."""
    text = contract.description
    if isinstance(text, dict):
        text = text.get("purpose")
    return str(text).strip() if text else None


def describe_bronze(lake: Lakehouse, contract: Contract, columns: Sequence[str]) -> None:
    lake.describe_columns(
        f"bronze.{contract.feed}", bronze_docs(contract, columns), comment=purpose(contract)
    )


def describe_quarantine(lake: Lakehouse, feed: str, columns: Sequence[str]) -> None:
    docs = {c: QUARANTINE_DOCS[c] for c in columns if c in QUARANTINE_DOCS}
    lake.describe_columns(
        f"quarantine.{feed}", docs, comment=f"Records of `{feed}` that broke its contract."
    )
