"""One entity-resolution cluster shown record by record: the source records that became
one silver artist or venue, with their names as received and the matcher's probabilities."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from greenroom.quality.contract import Contract, load_contract
from greenroom.quality.readiness.exceptions import RecordNotFoundError
from greenroom.quality.readiness.records import ClusterRecord, MatchPair, MergedCluster

if TYPE_CHECKING:
    from greenroom.lake.reader import Reader

EntityType = Literal["artist", "venue"]


def merged_cluster(
    reader: Reader, entity_type: EntityType = "artist", entity_id: str | None = None
) -> MergedCluster:
    """The cluster of `entity_id` (default: the entity merged from the most source
    records, then from the most sources, then the one whose weakest link the matcher was
    least sure of: the merge that shows resolution at work; ties by id)."""
    entity_id = entity_id or _largest(reader, entity_type)
    members = reader.sql(
        "SELECT source, source_record_id FROM silver.entity_xref "
        "WHERE entity_type = ? AND entity_id = ? ORDER BY source, source_record_id",
        [entity_type, entity_id],
    ).to_pylist()
    if not members:
        raise RecordNotFoundError(entity_type, entity_id)
    sources = sorted({m["source"] for m in members})
    names = _names(reader, entity_type, entity_id, [load_contract(s) for s in sources])
    pairs = reader.sql(
        "WITH m AS (SELECT source, source_record_id FROM silver.entity_xref "
        "WHERE entity_type = ? AND entity_id = ?) "
        "SELECT p.left_source, p.left_record_id, p.right_source, p.right_record_id, "
        "p.match_probability, p.linked FROM ops.entity_match_pairs AS p "
        "JOIN m AS l ON l.source = p.left_source AND l.source_record_id = p.left_record_id "
        "JOIN m AS r ON r.source = p.right_source AND r.source_record_id = p.right_record_id "
        "WHERE p.entity_type = ? "
        "QUALIFY row_number() OVER (PARTITION BY p.left_source, p.left_record_id, "
        "p.right_source, p.right_record_id ORDER BY p.resolved_at DESC) = 1 "
        "ORDER BY p.match_probability DESC, p.left_record_id, p.right_record_id",
        [entity_type, entity_id, entity_type],
    ).to_pylist()
    best: dict[tuple[str, str], float] = {}
    for p in pairs:  # a handful of pairs within one cluster
        for side in ("left", "right"):
            key = (p[f"{side}_source"], p[f"{side}_record_id"])
            best[key] = max(best.get(key, 0.0), p["match_probability"])
    canonical = reader.sql(
        f"SELECT name FROM silver.{entity_type}s WHERE {entity_type}_id = ?", [entity_id]
    ).to_pylist()
    return MergedCluster(
        entity_type=entity_type,
        entity_id=entity_id,
        canonical_name=canonical[0]["name"] if canonical else None,
        records=tuple(
            ClusterRecord(
                m["source"],
                m["source_record_id"],
                names.get((m["source"], m["source_record_id"])),
                best.get((m["source"], m["source_record_id"])),
            )
            for m in members
        ),
        pairs=tuple(MatchPair(**p) for p in pairs),
    )


def _largest(reader: Reader, entity_type: str) -> str:
    rows = reader.sql(
        "WITH x AS (SELECT entity_id, source, source_record_id FROM silver.entity_xref "
        "WHERE entity_type = ?), "
        "linked AS (SELECT x.entity_id, min(p.match_probability) AS weakest "
        "FROM ops.entity_match_pairs AS p JOIN x ON x.source = p.left_source "
        "AND x.source_record_id = p.left_record_id WHERE p.linked AND p.entity_type = ? "
        "GROUP BY 1) "
        "SELECT x.entity_id FROM x LEFT JOIN linked USING (entity_id) GROUP BY x.entity_id "
        "ORDER BY count(*) DESC, count(DISTINCT x.source) DESC, "
        "any_value(linked.weakest) ASC NULLS LAST, x.entity_id LIMIT 1",
        [entity_type, entity_type],
    ).to_pylist()
    if not rows:
        raise RecordNotFoundError(f"{entity_type} cluster", entity_type)
    return str(rows[0]["entity_id"])


def _name_property(contract: Contract) -> str:
    """The SQL reading a record's name: the contract's `name` property, else the first
    property whose name ends in `name`."""
    props = contract.table.properties
    prop = next((p for p in props if p.name == "name"), None) or next(
        (p for p in props if p.name.endswith("name")), None
    )
    return f"CAST({prop.expr} AS VARCHAR)" if prop else "CAST(NULL AS VARCHAR)"


def _names(
    reader: Reader, entity_type: str, entity_id: str, contracts: list[Contract]
) -> dict[tuple[str, str], str | None]:
    """The name each member record arrived with, from its bronze table."""
    parts, params = [], []
    for c in contracts:
        parts.append(
            f"SELECT '{c.feed}' AS source, CAST(t.\"{c.table.record_id}\" AS VARCHAR) AS id, "
            f"{_name_property(c)} AS name FROM bronze.{c.feed} AS t "
            f"JOIN silver.entity_xref AS x ON x.source = '{c.feed}' "
            f'AND x.source_record_id = CAST(t."{c.table.record_id}" AS VARCHAR) '
            "WHERE x.entity_type = ? AND x.entity_id = ?"
        )
        params += [entity_type, entity_id]
    rows = reader.sql(" UNION ALL ".join(parts), params).to_pylist()
    return {(r["source"], r["id"]): r["name"] for r in rows}
