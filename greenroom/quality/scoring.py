"""Score the contracts against a synthetic world's ground truth.

A record must be quarantined exactly when the truth gives it a rejectable defect. Per
defect kind this reports how many records carry it, how many were quarantined (recall for
rejectable kinds; for the others every quarantined one is a false positive), and per
rejectable kind the precision of the rules that stand for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse

# Which rule kinds catch which defect kind (rule ids are `<feed>.<property>.<kind>`).
RULES_FOR_DEFECT = {
    "missing_required": ("required",),
    "bad_date": ("type",),
    "negative_price": ("range",),
    "unknown_reference": ("reference",),
}

_SCORE_SQL = """
WITH quarantined AS (
    {quarantined}
),
q AS (SELECT DISTINCT source, source_record_id FROM quarantined),
truth AS (SELECT source, source_record_id, defect, rejectable FROM truth_defects),
flagged AS (
    -- quarantined records with the rule kinds that rejected them
    SELECT source, source_record_id, split_part(reason, '.', 3) AS rule_kind
    FROM (SELECT source, source_record_id, unnest(reasons) AS reason FROM quarantined)
),
per_kind AS (
    SELECT t.defect, bool_or(t.rejectable) AS rejectable,
           count(DISTINCT (t.source, t.source_record_id)) AS records,
           count(DISTINCT CASE WHEN q.source IS NOT NULL THEN (t.source, t.source_record_id) END)
               AS quarantined
    FROM truth t LEFT JOIN q USING (source, source_record_id)
    GROUP BY t.defect
),
caught_by_rules AS (
    SELECT r.defect,
           count(DISTINCT (f.source, f.source_record_id)) AS flagged,
           count(DISTINCT CASE WHEN t.defect = r.defect THEN (f.source, f.source_record_id) END)
               AS correct
    FROM rule_map r
    JOIN flagged f ON f.rule_kind = r.rule_kind
    LEFT JOIN truth t USING (source, source_record_id)
    GROUP BY r.defect
)
SELECT p.defect, p.rejectable, p.records, p.quarantined,
       CASE WHEN p.rejectable THEN p.quarantined / p.records END AS recall,
       CASE WHEN p.rejectable THEN coalesce(c.correct / nullif(c.flagged, 0), 1.0) END AS precision
FROM per_kind p LEFT JOIN caught_by_rules c USING (defect)
ORDER BY p.rejectable DESC, p.defect
"""

_OVERALL_SQL = """
WITH quarantined AS ({quarantined}),
q AS (SELECT DISTINCT source, source_record_id FROM quarantined),
r AS (SELECT DISTINCT source, source_record_id FROM truth_defects WHERE rejectable)
SELECT (SELECT count(*) FROM q) AS quarantined,
       (SELECT count(*) FROM r) AS rejectable,
       (SELECT count(*) FROM q JOIN r USING (source, source_record_id)) AS correct
"""


def _quarantined_sql(lake: Lakehouse) -> str:
    parts = [
        f"SELECT _source AS source, source_record_id, reasons FROM {t.name}"
        for t in lake.list_tables("quarantine")
    ]
    return " UNION ALL ".join(parts) or (
        "SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS source_record_id, "
        "NULL::VARCHAR[] AS reasons WHERE false"
    )


def score_quarantine(lake: Lakehouse, truth_dir: Path) -> tuple[pa.Table, dict[str, float]]:
    """Per defect kind: records, quarantined, recall, precision; and overall precision/recall."""
    defects = pq.read_table(truth_dir / "defects.parquet")
    rule_map = pa.table(
        {
            "defect": [d for d, kinds in RULES_FOR_DEFECT.items() for _ in kinds],
            "rule_kind": [k for kinds in RULES_FOR_DEFECT.values() for k in kinds],
        }
    )
    quarantined = _quarantined_sql(lake)
    with lake.session() as session:
        session.register("truth_defects", defects)
        session.register("rule_map", rule_map)
        per_kind = session.sql(_SCORE_SQL.format(quarantined=quarantined))
        overall = session.sql(_OVERALL_SQL.format(quarantined=quarantined)).to_pylist()[0]
    q, r, ok = overall["quarantined"], overall["rejectable"], overall["correct"]
    summary = {
        "quarantined": float(q),
        "rejectable": float(r),
        "precision": ok / q if q else 1.0,
        "recall": ok / r if r else 1.0,
    }
    return per_kind, summary
