"""Composition: which parts are plugged together, in one place.

The CLI, the web app and the demo build their assistant, the jobs and the listeners of a
pipeline run here, and take the live stream's events from the synthetic world here, so no layer
imports another to wire it. The assistant's turns and a pipeline run's end are wired to
the audit here too (`chat_auditor`, `audit_listener`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from greenroom.errors import UserError
from greenroom.governance.principals import ADMIN, Principal

if TYPE_CHECKING:
    import pyarrow as pa

    from greenroom.agent.chat import ChatResponse, ConcertAIChatbot, TurnListener
    from greenroom.agent.memory import MemoryBackend
    from greenroom.config import Settings
    from greenroom.governance.session import GovernedSession
    from greenroom.lake import Lakehouse
    from greenroom.pipeline.job import Job
    from greenroom.pipeline.runner import RunListener
    from greenroom.quality.readiness.dimensions import PersonalDataScorer


def build_assistant(
    lake: Lakehouse,
    settings: Settings,
    *,
    principal: Principal = ADMIN,
    today: dt.date | None = None,
    memory: MemoryBackend | bool | None = True,
) -> tuple[ConcertAIChatbot, GovernedSession]:
    """The chat assistant for `principal`, and the governed session it reads through
    (close it when done). `memory=True` uses the embedded store in the home."""
    from greenroom.agent.chat import ConcertAIChatbot
    from greenroom.agent.memory import SqliteMemory, memory_path
    from greenroom.agent.planner.lexicon import build_lexicon
    from greenroom.agent.providers.settings import build_provider
    from greenroom.agent.tools import (
        RecommendConcertsTool,
        RevenueOutlookTool,
        SemanticQueryTool,
        TicketForecastTool,
        TrendsTool,
        registry_artefacts,
    )
    from greenroom.governance.session import governed_session
    from greenroom.semantic import SemanticLayer

    session = governed_session(lake, principal)
    layer = SemanticLayer(session, today or settings.today)
    store: MemoryBackend | None
    if memory is True:
        store = SqliteMemory(memory_path(settings.home))
    elif memory is False:
        store = None
    else:
        store = memory
    artefacts = registry_artefacts(lake, settings)
    day = today or settings.today
    insights = (
        TicketForecastTool(session, artefacts),
        RecommendConcertsTool(session, artefacts),
        TrendsTool(session, day),
        RevenueOutlookTool(session, artefacts, day),
    )
    bot = ConcertAIChatbot(
        SemanticQueryTool(layer),
        build_lexicon(session),
        memory=store,
        provider=build_provider(settings.model),
        actor_id=principal.name,
        on_turn=chat_auditor(settings, principal),
        insights={tool.name: tool for tool in insights},
    )
    return bot, session


def chat_auditor(settings: Settings, principal: Principal) -> TurnListener:
    """Appends a ``chat`` audit record for every question the assistant answers (an answer,
    a clarification, a refusal or an error): the session, the question's SHA-256 and its
    first 200 characters, the kind of answer and the SQL's SHA-256. It runs before the
    answer is returned: if the record cannot be written, the question gets no answer
    (`AuditUnavailableError`)."""
    import hashlib

    from greenroom.governance.audit import AuditLog

    audit = AuditLog(settings.home)

    def record(question: str, response: ChatResponse) -> None:
        detail: dict[str, object] = {
            "session_id": response.session_id,
            "question_sha256": hashlib.sha256(question.encode()).hexdigest(),
            "question": question[:200],
            "kind": response.kind,
        }
        if response.sql:
            detail["sql_sha256"] = hashlib.sha256(response.sql.encode()).hexdigest()
        audit.append(principal.name, "chat", f"chat:{response.session_id}", detail)

    return record


def audit_listener(lake: Lakehouse) -> RunListener:
    """Copies the audit log's new records into ``ops.audit`` when a pipeline run ends."""
    from greenroom.governance.audit_table import AuditSyncListener

    return AuditSyncListener(lake)


def pipeline_listeners(lake: Lakehouse, settings: Settings) -> list[RunListener]:
    """The listeners `greenroom pipeline run` and the demo attach to a run: the lineage
    recorder (`greenroom.governance.lineage`) and the quality monitor
    (`greenroom.quality.monitor`). Both act once the run is over, and only when a job ran:
    a run that found everything up to date changed nothing to trace or measure. The audit
    sync then copies new audit records into ``ops.audit`` (every run).
    `run_pipeline` itself takes no listeners unless given, so library callers and tests
    choose."""
    from greenroom.governance.lineage import LineageListener
    from greenroom.quality.monitor.listener import QualityMonitor

    return [LineageListener(lake, settings), QualityMonitor(lake), audit_listener(lake)]


def pipeline_jobs() -> tuple[Job, ...]:
    """The jobs `greenroom pipeline run|status` and the demo run: the pipeline's own
    (`greenroom.pipeline.jobs.JOBS`, bronze → silver → gold) and then the insights' gold
    tables (`greenroom.insights.jobs`: forecasts and trends), which the pipeline package
    does not know."""
    from greenroom.insights.jobs import JOBS as INSIGHTS
    from greenroom.pipeline.jobs import JOBS

    return (*JOBS, *INSIGHTS)


def latest_world(settings: Settings) -> Path:
    """The most recently generated world in the landing zone (the one the demo built)."""
    worlds = sorted(
        (p for p in settings.landing_dir.glob("*/truth") if p.is_dir()),
        key=lambda p: p.stat().st_mtime,
    )
    if not worlds:
        raise UserError(
            f"no synthetic world under `{settings.landing_dir}`; run `greenroom demo` first "
            "or pass `--world DIR`"
        )
    return worlds[-1].parent


def live_sales(settings: Settings, count: int, seed: int, world: Path | None = None) -> pa.Table:
    """`count` live sale events from the synthetic world `world` (default: the demo's
    newest), for `greenroom.ingest.live.produce_events`; same seed, same events."""
    from greenroom import synth

    return synth.live_events((world or latest_world(settings)) / "truth", count, seed=seed)


def personal_data_scorer(lake: Lakehouse, settings: Settings) -> PersonalDataScorer:
    """The readiness scorecard's `personal_data` dimension from the governance layer: of the
    columns a table's catalog tags as personal data, the share no role without clearance
    reads unmasked under the policy in force (`greenroom.governance.compliance`)."""
    from greenroom.governance.compliance import protection
    from greenroom.quality.readiness import Dimension

    def score(table: str) -> Dimension:
        found = protection(settings, lake, table)
        evidence = {
            "personal_columns": {p.column: p.kind for p in found.personal},
            "exposed": [{"role": e.role, "column": e.column.column} for e in found.exposed],
        }
        if not found.personal:
            note = "no column tagged as personal data (`greenroom governance scan --tag` tags them)"
            return Dimension("personal_data", None, evidence, note)
        return Dimension("personal_data", found.score, evidence)

    return score
