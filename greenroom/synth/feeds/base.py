"""What every feed writer gets (:class:`FeedContext`) and gives back (:class:`FeedResult`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from greenroom.synth.defects.plan import DefectLog, DefectPlan
from greenroom.synth.rates import DefectKind
from greenroom.synth.streams import rng_for

EntityType = Literal["artist", "venue", "concert", "customer", "ticket_sale"]

PiiKind = Literal[
    "email",
    "phone",
    "person_name",
    "street_address",
    "postal_code",
    "date_of_birth",
    "card_number",
    "ip_address",
    "customer_id",
]
"""What kind of personal data a source field holds (``customer_id``: a direct identifier
of a person). A feed module declares its personal fields as ``PII: Mapping[str, PiiKind]``
(field as delivered → kind) and passes it to :func:`result`; ``truth/pii.parquet`` is
built from these declarations."""

PII_KINDS: tuple[str, ...] = get_args(PiiKind)

ENTITIES_SCHEMA = pa.schema(
    [
        ("entity_type", pa.string()),
        ("source", pa.string()),
        ("source_record_id", pa.string()),
        ("true_entity_id", pa.string()),
    ]
)


@dataclass(frozen=True)
class FeedContext:
    sources: Path  # OUT/sources
    seed: int
    rates: Mapping[str, float]
    today: dt.date

    def rng(self, feed: str, *purpose: str) -> np.random.Generator:
        return rng_for(self.seed, "feed", feed, *purpose)

    def plan(
        self, feed: str, n: int, eligible: Mapping[DefectKind, np.ndarray] | None = None
    ) -> DefectPlan:
        return DefectPlan(feed, n, self.seed, self.rates, eligible)

    def path(self, feed: str, name: str) -> tuple[Path, str]:
        folder = self.sources / feed
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name, f"{feed}/{name}"


@dataclass(frozen=True)
class FeedResult:
    feed: str
    files: list[str]
    records: int
    entities: pa.Table
    defects: pa.Table
    pii: Mapping[str, PiiKind]
    """The feed's personal fields (as delivered) and their kind; empty when it has none."""


def constant(value: str, n: int) -> pa.Array:
    """``value`` on ``n`` rows, dictionary-encoded (cheap for millions of rows)."""
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int8)), pa.array([value]))


def entities(
    entity_type: EntityType,
    feed: str,
    record_ids: pa.Array | pa.ChunkedArray,
    true_ids: pa.Array | pa.ChunkedArray,
) -> pa.Table:
    """Truth rows: the true entity behind each record id of ``feed``."""
    n = len(record_ids)
    return pa.table(
        {
            "entity_type": constant(entity_type, n),
            "source": constant(feed, n),
            "source_record_id": record_ids,
            "true_entity_id": true_ids,
        }
    ).cast(ENTITIES_SCHEMA)


def write_json(path: Path, document: Any) -> None:
    """A JSON document, UTF-8, compact but one record per line for readability."""
    path.write_text(
        json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )


def write_csv(path: Path, table: pa.Table) -> None:
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed", batch_size=65_536))


def result(
    feed: str,
    files: list[str],
    records: int,
    ents: pa.Table,
    log: DefectLog,
    pii: Mapping[str, PiiKind] | None = None,
) -> FeedResult:
    return FeedResult(feed, files, records, ents, log.table(), dict(pii or {}))
