"""Score the assistant against an evaluation set in the format of `eval/chat_dev.yaml`.

CONTRACT.md's rule: a turn is correct when the rows of `result` hold the gold rows — the
same number of rows, every gold value present in its row (strings case-insensitive,
numbers within 0.5%), row order checked where the gold SQL has ORDER BY; extra columns are
allowed. A gold that is one empty aggregate (NULL) is met by an empty result, NULL or 0. A
`clarify` / `refuse` gold is met by the response's `kind`. A turn is *confidently wrong*
when the assistant answered (kind `answer`) and the result does not hold the gold.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from greenroom.errors import UserError

if TYPE_CHECKING:
    from greenroom.agent.chat import ChatResponse
    from greenroom.lake.reader import Reader

Ask = Callable[[str, "str | None", dt.date], "ChatResponse"]


class EvalSetError(UserError):
    code = "eval_set_invalid"


@dataclass(frozen=True)
class TurnResult:
    case: str
    turn: int
    question: str
    ok: bool
    reason: str
    ms: float
    kind: str
    confidently_wrong: bool


@dataclass
class EvalReport:
    results: list[TurnResult] = field(default_factory=list)

    @property
    def correct(self) -> int:
        return sum(r.ok for r in self.results)

    @property
    def accuracy(self) -> float:
        return self.correct / len(self.results) if self.results else 0.0

    @property
    def confidently_wrong(self) -> int:
        return sum(r.confidently_wrong for r in self.results)

    def latency(self) -> dict[str, float]:
        ms = sorted(r.ms for r in self.results)
        if not ms:
            return {"p50": 0.0, "p95": 0.0}
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        return {"p50": round(statistics.median(ms), 1), "p95": round(p95, 1)}

    def to_json(self) -> dict[str, Any]:
        return {
            "turns": len(self.results),
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4),
            "confidently_wrong": self.confidently_wrong,
            "latency_ms": self.latency(),
            "results": [
                {
                    "case": r.case,
                    "turn": r.turn,
                    "ok": r.ok,
                    "reason": r.reason,
                    "ms": round(r.ms, 1),
                }
                for r in self.results
            ],
        }


def load_set(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except FileNotFoundError:
        raise EvalSetError(f"evaluation set `{path}` does not exist") from None
    except yaml.YAMLError as exc:
        raise EvalSetError(f"evaluation set `{path}` is not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise EvalSetError(
            f"evaluation set `{path}` needs a `cases:` list (see eval/chat_dev.yaml)"
        )
    return data


def run_eval(data: dict[str, Any], reader: Reader, ask: Ask, default_today: dt.date) -> EvalReport:
    """Run every case (each in a fresh session) and score each turn."""
    today = dt.date.fromisoformat(str(data.get("today", default_today)))
    params = {
        name: _scalar(reader.sql(str(sql))) for name, sql in (data.get("params") or {}).items()
    }
    report = EvalReport()
    for case in data["cases"]:
        session: str | None = None
        for i, turn in enumerate(case.get("turns", ())):
            question = _fill(str(turn["ask"]), params)
            started = time.perf_counter()
            response = ask(question, session, today)
            ms = (time.perf_counter() - started) * 1000
            session = response.session_id
            ok, reason, wrong = _score(turn, response, reader, params)
            report.results.append(
                TurnResult(
                    str(case.get("id", "?")), i + 1, question, ok, reason, ms, response.kind, wrong
                )
            )
    return report


def _score(
    turn: dict[str, Any], response: ChatResponse, reader: Reader, params: dict[str, Any]
) -> tuple[bool, str, bool]:
    gold = turn.get("gold")
    if gold in ("clarify", "refuse"):
        want = "clarification" if gold == "clarify" else "refusal"
        ok = response.kind == want
        return ok, "ok" if ok else f"expected {want}, got {response.kind}", False
    sql = _fill(str(turn["sql"]), params, quote=True)
    expected = reader.sql(sql)
    gold_rows = [list(r.values()) for r in expected.to_pylist()]
    ordered = bool(re.search(r"\border\s+by\b", sql, re.IGNORECASE))
    if response.kind != "answer":
        return False, f"expected an answer, got {response.kind}: {response.answer[:80]}", False
    got = response.result.rows if response.result else []
    ok, reason = holds(got, gold_rows, ordered=ordered)
    return ok, reason, not ok


def holds(
    got: Sequence[Sequence[Any]], gold: Sequence[Sequence[Any]], *, ordered: bool
) -> tuple[bool, str]:
    """Whether the answer's rows hold the gold rows (CONTRACT.md's rule)."""
    if len(gold) == 1 and len(gold[0]) == 1 and gold[0][0] is None:
        empty = not got or all(v in (None, 0, 0.0) for row in got for v in row)
        return (True, "ok") if empty else (False, f"expected none, got {got[:2]}")
    if len(got) != len(gold):
        return False, f"expected {len(gold)} rows, got {len(got)}"
    if ordered:
        for i, (g, a) in enumerate(zip(gold, got, strict=True)):
            if not _row_holds(a, g):
                return False, f"row {i + 1}: expected {g}, got {list(a)}"
        return True, "ok"
    free = list(got)
    for g in gold:
        match = next((a for a in free if _row_holds(a, g)), None)
        if match is None:
            return False, f"no row holds {g} (got {[list(r) for r in got[:3]]}…)"
        free.remove(match)
    return True, "ok"


def _row_holds(row: Sequence[Any], gold: Sequence[Any]) -> bool:
    return all(any(_same(v, g) for v in row) for g in gold)


def _same(value: Any, gold: Any) -> bool:
    if gold is None:
        return value is None
    if isinstance(gold, bool) or isinstance(value, bool):
        return bool(value == gold)
    if isinstance(gold, int | float | decimal.Decimal) and isinstance(
        value, int | float | decimal.Decimal
    ):
        g, v = float(gold), float(value)
        return v == g if g == 0 else abs(v - g) <= 0.005 * abs(g)
    if isinstance(gold, dt.date | dt.datetime):
        return str(value)[:10] == gold.isoformat()[:10]
    return str(value).strip().lower() == str(gold).strip().lower()


def _scalar(table: Any) -> Any:
    if table.num_rows == 0 or table.num_columns == 0:
        return None
    return table.column(0)[0].as_py()


def _fill(text: str, params: dict[str, Any], *, quote: bool = False) -> str:
    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise EvalSetError(f"`{{{name}}}` is used but not defined under `params:`")
        value = str(params[name])
        return value.replace("'", "''") if quote else value

    return re.sub(r"\{([a-z_][a-z0-9_]*)\}", sub, text)
