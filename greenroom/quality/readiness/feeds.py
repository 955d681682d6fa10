"""A source feed's readiness: its bronze table, batches, quarantine and contract."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from greenroom.quality.contract import Contract
from greenroom.quality.readiness import dimensions as dim
from greenroom.quality.readiness.consistency import NORMALISATION_REASONS, normalised
from greenroom.quality.readiness.evidence import LakeEvidence
from greenroom.quality.readiness.records import Dimension, TableReadiness

if TYPE_CHECKING:
    from greenroom.lake.reader import Reader


def score_feed(
    reader: Reader,
    ev: LakeEvidence,
    contract: Contract,
    columns: Sequence[str],
    docs: Mapping[str, str],
    personal_data: dim.PersonalDataScorer = dim.personal_data,
) -> TableReadiness:
    feed, table = contract.feed, f"bronze.{contract.feed}"
    own = dim.user_columns(columns)
    contract_docs = {p.name: p.description or "" for p in contract.table.properties}
    return TableReadiness(
        table=table,
        layer="feed",
        feed=feed,
        rows=ev.tables.get(table, 0),
        dimensions=(
            _completeness(ev, contract),
            _validity(ev, contract),
            _uniqueness(reader, ev, contract),
            _consistency(reader, ev, contract),
            dim.timeliness(ev, table),
            dim.documentation(table, own, {**contract_docs, **docs}),
            dim.lineage(
                own,
                ev.lineage_sources.get(table, frozenset()) if ev.has("ops.lineage_edges") else None,
                "downstream",
                raw_batches=int(ev.batches.get(feed, {}).get("batches", 0)),
            ),
            personal_data(table),
        ),
    )


def _rules(ev: LakeEvidence, feed: str, kind: str) -> dict[str, int]:
    """Quarantined records per property for one rule kind (`<feed>.<property>.<kind>`)."""
    rules = ev.quarantine_rules.get(feed, {})
    suffix = f".{kind}"
    return {
        r.removeprefix(f"{feed}.").removesuffix(suffix): n
        for r, n in rules.items()
        if r.endswith(suffix)
    }


def _completeness(ev: LakeEvidence, contract: Contract) -> Dimension:
    """Non-null share of each required property among the records as received (a record
    missing one is quarantined by its `required` rule), averaged over the properties."""
    feed = contract.feed
    required = [p.name for p in contract.table.properties if p.required]
    received = int(ev.batches.get(feed, {}).get("received", 0))
    missing = _rules(ev, feed, "required")
    per = {p: dim.share(received - missing.get(p, 0), received) for p in required}
    bronze = ev.metrics.get(f"bronze.{feed}", {}).get("completeness", {})
    evidence = {
        "received": received,
        "required_properties": len(required),
        "missing_by_property": {p: missing.get(p, 0) for p in required},
        "bronze_completeness": {p: bronze[p] for p in required if p in bronze},
    }
    if not required:
        return Dimension("completeness", None, evidence, "the contract requires no property")
    return Dimension("completeness", dim.mean(list(per.values())), evidence)


def _validity(ev: LakeEvidence, contract: Contract) -> Dimension:
    """Share of the records received that passed the contract (ops.ingestion_batches)."""
    feed = contract.feed
    b = ev.batches.get(feed, {})
    received, accepted = int(b.get("received", 0)), int(b.get("accepted", 0))
    warnings = ev.metrics.get(f"bronze.{feed}", {}).get("validity", {}).get("_warnings")
    evidence = {
        "received": received,
        "accepted": accepted,
        "quarantined": int(b.get("quarantined", 0)),
        "quarantine_rows": ev.tables.get(f"quarantine.{feed}", 0),
        "by_rule": dict(sorted(ev.quarantine_rules.get(feed, {}).items())),
        "accepted_without_warnings": warnings,
    }
    return Dimension("validity", dim.share(accepted, received), evidence)


def _uniqueness(reader: Reader, ev: LakeEvidence, contract: Contract) -> Dimension:
    """Share of accepted records whose record id is not a repeat; entity resolution's
    merges of this feed's records with other feeds' are the evidence of deduplication."""
    feed, rid = contract.feed, contract.table.record_id
    row = reader.sql(
        f'SELECT count(*) AS n, count(DISTINCT "{rid}") AS ids FROM bronze.{feed}'
    ).to_pylist()[0]
    n, ids = int(row["n"]), int(row["ids"])
    xref = next((v for (_, s), v in ev.xref.items() if s == feed), None)
    evidence: dict[str, object] = {"record_id": rid, "records": n, "repeated_ids": n - ids}
    if xref is not None:
        evidence |= {
            "resolved_records": xref["records"],
            "entities": xref["entities"],
            "merged_with_other_sources": xref["merged"],
        }
    return Dimension("uniqueness", dim.share(ids, n), evidence)


def _consistency(reader: Reader, ev: LakeEvidence, contract: Contract) -> Dimension:
    """Share of accepted records the pipeline could bring to canonical form (UTC, USD,
    ISO dates): 1 - records rejected in silver for a normalisation reason / accepted."""
    feed = contract.feed
    norm = normalised(reader, contract)
    rejects = ev.rejects.get(feed, {})
    failed = {r: rejects.get(r, 0) for r in NORMALISATION_REASONS}
    accepted = int(ev.batches.get(feed, {}).get("accepted", 0))
    evidence = {"normalised": norm.counts, "values_changed": norm.total, "failed": failed}
    if not norm.properties:
        return Dimension("consistency", None, evidence, "no date, time or currency to normalise")
    score = dim.share(accepted - sum(failed.values()), accepted)
    return Dimension("consistency", score, evidence)
