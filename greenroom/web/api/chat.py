"""`POST /api/chat` and a conversation's history, exactly as CONTRACT.md's Chat API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from greenroom.agent.chat import ChatResponse
from greenroom.errors import UserError
from greenroom.semantic.query import IsoDate
from greenroom.web.auth import Caller
from greenroom.web.deps import StateDep, requires, strict_query
from greenroom.web.errors import ERROR_RESPONSES

router = APIRouter(
    prefix="/api/chat",
    tags=["chat"],
    responses=ERROR_RESPONSES,
    dependencies=[Depends(strict_query)],
)

SESSION_ID = r"^[A-Za-z0-9_-]{1,64}$"


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, max_length=2000, description="The question, in words.")
    session_id: str | None = Field(
        default=None, pattern=SESSION_ID, description="Continue this conversation."
    )
    today: IsoDate | None = Field(default=None, description="The reference date (YYYY-MM-DD).")


class ChatTurn(BaseModel):
    timestamp: dt.datetime
    message: str
    kind: str = Field(description="answer, clarification, refusal, error or preference")
    answer: str | None = Field(default=None, description="The answer the assistant gave.")


class ChatSession(BaseModel):
    session_id: str
    turns: list[ChatTurn]


class SessionNotFoundError(UserError):
    code = "session_not_found"

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        super().__init__(
            f"no conversation `{session_id}` for this principal; start one with "
            "POST /api/chat without a session_id"
        )


@router.post("", response_model=ChatResponse, summary="Ask the assistant one question")
def chat(
    body: ChatRequest,
    caller: Annotated[Caller, Depends(requires("chat"))],
    state: StateDep,
) -> ChatResponse:
    with state.assistants.assistant(caller.principal) as assistant:
        return assistant.bot.process_user_query(body.message, body.session_id, body.today)


@router.get(
    "/sessions/{session_id}",
    response_model=ChatSession,
    summary="A conversation's turns, oldest first",
)
def session_history(
    session_id: Annotated[str, Path(pattern=SESSION_ID)],
    caller: Annotated[Caller, Depends(requires("chat"))],
    state: StateDep,
) -> ChatSession:
    memory = state.assistants.memory
    events = [] if memory is None else memory.list_events(session_id, limit=200)
    mine = [e for e in events if e.actor_id == caller.principal.name]
    if not mine:  # another principal's conversation is as unknown as a missing one
        raise SessionNotFoundError(session_id)
    return ChatSession(session_id=session_id, turns=[_turn(e.timestamp, e.payload) for e in mine])


def _turn(timestamp: dt.datetime, payload: dict[str, Any]) -> ChatTurn:
    summary = payload.get("summary") or {}
    return ChatTurn(
        timestamp=timestamp,
        message=str(payload.get("message", "")),
        kind=str(payload.get("kind", "answer")),
        answer=payload.get("answer") or summary.get("answer"),
    )
