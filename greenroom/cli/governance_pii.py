"""`greenroom governance scan|pii-score`: find personal data in the lake, score the finder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from greenroom.governance.pii.kinds import MIN_CONFIDENCE

if TYPE_CHECKING:
    from greenroom.governance.pii.records import KindScore

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
MinConfidence = Annotated[
    float,
    typer.Option("--min-confidence", help="Report (and tag) columns at least this sure (0–1)."),
]


def _check(min_confidence: float) -> None:
    from greenroom.governance.pii.exceptions import PiiMinConfidenceError

    if not 0.0 <= min_confidence <= 1.0:
        raise PiiMinConfidenceError(min_confidence)


def scan(
    json_out: JsonFlag = False,
    tag: Annotated[
        bool, typer.Option("--tag/--no-tag", help="Write the findings as column tags.")
    ] = True,
    min_confidence: MinConfidence = MIN_CONFIDENCE,
) -> None:
    """Classify every bronze, silver, gold and quarantine column by content; tag the PII."""
    from dataclasses import asdict

    from greenroom.cli._output import print_json, print_rows
    from greenroom.config import get_settings
    from greenroom.governance.pii.scan import scan_lake
    from greenroom.governance.pii.tags import tag_findings
    from greenroom.lake import Lakehouse

    _check(min_confidence)
    lake = Lakehouse(get_settings())
    result = scan_lake(lake)
    found = result.above(min_confidence)
    changed = tag_findings(lake, found) if tag else []
    if json_out:
        print_json(
            {
                "tables": len(result.tables),
                "columns_scanned": result.columns_scanned,
                "min_confidence": min_confidence,
                "findings": [asdict(f) for f in found],
                "tagged_tables": changed,
            }
        )
        return
    typer.echo(
        f"scanned {result.columns_scanned} columns of {len(result.tables)} tables "
        f"(samples of {result.sample_rows:,} rows); {len(found)} hold personal data "
        f"at confidence ≥ {min_confidence}"
    )
    print_rows(
        ["table", "column", "kind", "confidence", "content only", "name hint", "matched"],
        [
            [f.table, f.column, f.kind, f.confidence, f.content_confidence,
             "yes" if f.hinted else "", f"{f.matched}/{f.sampled}"]
            for f in found
        ],
    )  # fmt: skip
    if tag:
        typer.echo(
            f"tags changed on {len(changed)} tables"
            + (": " + ", ".join(changed) if changed else "")
        )


def pii_score(
    truth: Annotated[
        Path | None,
        typer.Option("--truth", help="truth/pii.parquet (default: the home's newest world)."),
    ] = None,
    json_out: JsonFlag = False,
    min_confidence: MinConfidence = MIN_CONFIDENCE,
) -> None:
    """Scan (no tags written) and score the findings against the synthetic world's truth."""
    from dataclasses import asdict

    from greenroom.cli._output import print_json, print_rows
    from greenroom.config import get_settings
    from greenroom.governance.pii.scan import scan_lake
    from greenroom.governance.pii.score import find_truth, score
    from greenroom.lake import Lakehouse

    _check(min_confidence)
    settings = get_settings()
    path = truth if truth is not None else find_truth(settings.home)
    result = scan_lake(Lakehouse(settings))
    scores = [score(result, path, min_confidence, content_only=c) for c in (False, True)]
    if json_out:
        print_json(
            {
                label: asdict(s)
                | {"per_kind": [_json(k) for k in s.kinds], "overall": _json(s.overall)}
                for label, s in zip(("with_names", "content_only"), scores, strict=True)
            }
        )
        return
    typer.echo(f"truth {path}; confidence ≥ {min_confidence}")
    for s in scores:
        print_rows(
            ["kind", "precision", "recall", "right", "wrong", "missed", "notes"],
            [_row(k) for k in (*s.kinds, s.overall)],
            title="content only (names unseen)" if s.content_only else "content and names",
        )
    if scores[0].unscanned_sources:
        typer.echo("not in the lake: " + ", ".join(scores[0].unscanned_sources))


def _json(k: KindScore) -> dict[str, object]:
    from dataclasses import asdict

    return asdict(k) | {"precision": k.precision, "recall": k.recall}


def _row(k: KindScore) -> list[object]:
    notes = []
    if not k.in_world and k.kind != "overall":
        notes.append("not in this world")
    if k.wrong:
        notes.append("wrong: " + ", ".join(k.wrong))
    if k.missed:
        notes.append("missed: " + ", ".join(k.missed))
    return [k.kind, _ratio(k.precision), _ratio(k.recall), k.true_positives, k.false_positives,
            k.false_negatives, "; ".join(notes)]  # fmt: skip


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"
