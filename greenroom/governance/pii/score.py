"""Score a scan against the synthetic world's ``truth/pii.parquet`` (source × field × kind).

A bronze table is named after its source (``bronze.<source>``) and keeps the fields as
delivered, so a bronze column is the truth's ``source.field``; a field no record of which
was accepted is looked up in the quarantine payload (``quarantine.<source>``,
``payload.<field>``). Each scored pair has one predicted kind (the column's best, at or
above the threshold) and at most one true kind. Per kind: precision = right / called that
kind, recall = right / truly that kind; overall is the same over all kinds (micro).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow.parquet as pq

from greenroom.governance.pii.classify import PAYLOAD
from greenroom.governance.pii.exceptions import PiiTruthInvalidError, PiiTruthNotFoundError
from greenroom.governance.pii.kinds import KINDS
from greenroom.governance.pii.records import ColumnFinding, KindScore, PiiScore, ScanResult

TRUTH_FILE = Path("truth") / "pii.parquet"


def find_truth(home: Path) -> Path:
    """The newest ``landing/<world>/truth/pii.parquet`` under `home`."""
    landing = home / "landing"
    found = sorted(landing.glob(f"*/{TRUTH_FILE}"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise PiiTruthNotFoundError(landing)
    return found[-1]


def read_truth(path: Path) -> dict[tuple[str, str], str]:
    """(source, field) → kind, for fields the world filled at least once."""
    if not path.is_file():
        raise PiiTruthNotFoundError(path)
    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as exc:
        raise PiiTruthInvalidError(path, str(exc).splitlines()[0]) from None
    missing = {"source", "field", "kind"} - set(table.column_names)
    if missing:
        raise PiiTruthInvalidError(path, f"no column {', '.join(sorted(missing))}")
    out: dict[tuple[str, str], str] = {}
    for row in table.to_pylist():
        if row.get("records", 1):  # a field never filled cannot be found by content
            out[(row["source"], row["field"])] = row["kind"]
    return out


def predictions(findings: Iterable[ColumnFinding]) -> dict[tuple[str, str], str]:
    """(source, field) → kind from bronze columns, else from quarantine payload keys."""
    bronze: dict[tuple[str, str], str] = {}
    quarantine: dict[tuple[str, str], str] = {}
    for f in findings:
        zone, _, source = f.table.partition(".")
        if zone == "bronze":
            bronze[(source, f.column)] = f.kind
        elif zone == "quarantine" and f.column.startswith(f"{PAYLOAD}."):
            quarantine[(source, f.column[len(PAYLOAD) + 1 :])] = f.kind
    return {**quarantine, **bronze}


def score(
    result: ScanResult, truth_path: Path, min_confidence: float, *, content_only: bool = False
) -> PiiScore:
    truth = read_truth(truth_path)
    scanned = {
        t.partition(".")[2] for t in result.tables if t.startswith(("bronze.", "quarantine."))
    }
    unscanned = tuple(sorted({s for s, _ in truth} - scanned))
    truth = {k: v for k, v in truth.items() if k[0] in scanned}
    predicted = predictions(result.above(min_confidence, content_only=content_only))
    order: dict[str, int] = {k: i for i, k in enumerate(KINDS)}
    kinds = sorted(set(KINDS) | set(truth.values()), key=lambda k: (order.get(k, len(order)), k))
    scores = tuple(_kind_score(kind, truth, predicted) for kind in kinds)
    overall = KindScore(
        "overall",
        sum(s.true_positives for s in scores),
        sum(s.false_positives for s in scores),
        sum(s.false_negatives for s in scores),
        bool(truth),
    )
    return PiiScore(scores, overall, min_confidence, str(truth_path), content_only, unscanned)


def _kind_score(
    kind: str, truth: dict[tuple[str, str], str], predicted: dict[tuple[str, str], str]
) -> KindScore:
    real = {k for k, v in truth.items() if v == kind}
    called = {k for k, v in predicted.items() if v == kind}
    return KindScore(
        kind,
        len(real & called),
        len(called - real),
        len(real - called),
        bool(real),
        tuple(f"{s}.{f}" for s, f in sorted(real - called)),
        tuple(f"{s}.{f}" for s, f in sorted(called - real)),
    )
