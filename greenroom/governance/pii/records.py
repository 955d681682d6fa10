"""What the PII scanner hands out: frozen dataclasses, one module."""

from __future__ import annotations

from dataclasses import dataclass, field

from greenroom.governance.pii.kinds import PiiKind


@dataclass(frozen=True)
class ColumnFinding:
    """The kind of personal data one column most likely holds, and how sure the scan is.

    `column` is a top-level column, a struct leaf (`address.line1`), or a key of a
    quarantine table's JSON payload (`payload.email`).
    """

    table: str
    column: str
    kind: PiiKind
    confidence: float
    """`content_confidence`, raised when the name agrees (see `kinds.confidence`)."""
    content_confidence: float
    """Share of the sampled non-null values that match `kind`, the name unseen."""
    hinted: bool
    matched: int
    sampled: int


@dataclass(frozen=True)
class ScanResult:
    """Every finding of one scan (best kind per column, any confidence above zero)."""

    findings: tuple[ColumnFinding, ...]
    tables: tuple[str, ...]
    columns_scanned: int
    sample_rows: int
    content_findings: tuple[ColumnFinding, ...] = ()
    """The same scan judged by content alone (column names unseen): its best kinds may differ."""

    def above(
        self, min_confidence: float, *, content_only: bool = False
    ) -> tuple[ColumnFinding, ...]:
        found = self.content_findings if content_only else self.findings
        return tuple(f for f in found if f.confidence >= min_confidence)


@dataclass(frozen=True)
class KindScore:
    """Precision and recall of one kind over the truth's source × field pairs."""

    kind: str
    true_positives: int
    false_positives: int
    false_negatives: int
    in_world: bool
    """The synthetic world declares at least one field of this kind."""
    missed: tuple[str, ...] = ()
    """`source.field` of the truth the scan did not find as this kind."""
    wrong: tuple[str, ...] = ()
    """`source.field` the scan called this kind that the truth does not."""

    @property
    def precision(self) -> float | None:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else None

    @property
    def recall(self) -> float | None:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else None


@dataclass(frozen=True)
class PiiScore:
    """The scan scored against ``truth/pii.parquet`` (bronze columns, by source × field)."""

    kinds: tuple[KindScore, ...]
    overall: KindScore
    min_confidence: float
    truth: str
    content_only: bool
    """Scored on the content-only findings (column names unseen)."""
    unscanned_sources: tuple[str, ...] = field(default_factory=tuple)
    """Truth sources with no bronze or quarantine table in the lake."""
