"""The PII scanner: classify lake columns by content, tag them, score against the truth.

`scan_lake` samples every bronze, silver, gold and quarantine table and finds, per column,
the kind of personal data it most likely holds (`kinds`), with a confidence; `tag_findings`
writes them to the catalog as column tags; `score` compares the bronze findings with the
synthetic world's ``truth/pii.parquet``. See docs/governance-pii.md.
"""

from __future__ import annotations

from greenroom.governance.pii.kinds import KINDS, PiiKind
from greenroom.governance.pii.records import ColumnFinding, KindScore, PiiScore, ScanResult

__all__ = ["KINDS", "ColumnFinding", "KindScore", "PiiKind", "PiiScore", "ScanResult"]
