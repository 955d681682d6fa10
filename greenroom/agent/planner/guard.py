"""What the assistant will not do, decided before any parsing: overlong or unreadable
input, writes, pasted SQL or shell, instructions to drop its rules, personal data, and
topics outside the concert business. Each returns the refusal or clarification text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from greenroom.agent.planner import vocabulary as vocab
from greenroom.agent.planner.text import Tokens

MAX_MESSAGE = 2_000
_SQL = re.compile(
    r"\b(select\s+.+\s+from|insert\s+into|delete\s+from|drop\s+(table|schema|database)|"
    r"update\s+\w+\s+set|create\s+(table|view)|alter\s+table|truncate\s+table|copy\s+\w+|"
    r"attach\s+|pragma\s+)\b|;\s*--",
    re.IGNORECASE | re.DOTALL,
)
_WRITES = "|".join(vocab.WRITE_VERBS)
# "drop"/"remove" lead follow-ups too ("remove Berlin" narrows an answer): they are writes
# only when data follows them
_FIRST = "|".join(v for v in vocab.WRITE_VERBS if v not in ("drop", "remove"))
_WRITE = re.compile(
    rf"^(please |can you |could you |i want to |let s |lets )?({_FIRST})\b|"
    rf"\b({_WRITES}) (all |the |every |this |that |these |those |my |a |an )?"
    r"(old |bad |cancelled |canceled |scheduled |completed |duplicate |test )?"
    r"(data|record|records|row|rows|table|tables|concert|concerts|sale|sales|artist|artists|"
    r"venue|venues|customer|customers|ticket|tickets|price|prices)\b"
)
_SHELL = re.compile(
    r"(\brm\s+-rf\b|\$\(|`[^`]+`|\|\s*(sh|bash)\b|\bcurl\s+http|\bwget\s+|&&|/etc/passwd)"
)

CAN_DO = (
    "I answer questions about ticket sales, revenue, concerts, attendance and customers — "
    'for example "revenue by country in 2025" or "top 5 artists by tickets sold last year"'
)


@dataclass(frozen=True)
class Verdict:
    kind: Literal["refusal", "clarification"]
    message: str


def check(message: str) -> Verdict | None:
    """A refusal or clarification for `message`, or None when it may be planned."""
    text = message.strip()
    if not text:
        return Verdict("clarification", f"Ask me a question about the concert data. {CAN_DO}.")
    if len(text) > MAX_MESSAGE:
        return Verdict(
            "refusal",
            f"That message is {len(text):,} characters long; I read questions up to "
            f"{MAX_MESSAGE:,}. Ask one question at a time. {CAN_DO}.",
        )
    printable = sum(ch.isprintable() or ch.isspace() for ch in text)
    words = sum(ch.isalnum() for ch in text)
    if printable < 0.9 * len(text) or words < 0.5 * len(text.replace(" ", "")):
        return Verdict("clarification", f"I could not read that as a question. {CAN_DO}.")
    tokens = Tokens.of(text)
    if _SQL.search(text) or _SHELL.search(text):
        return Verdict(
            "refusal",
            "I don't run SQL or commands typed into the chat, and I never change data. "
            f"Ask in words instead: {CAN_DO}. (People with access can run read-only SQL "
            "with `greenroom query`.)",
        )
    if tokens.has(*vocab.INJECTION_PHRASES):
        return Verdict(
            "refusal",
            f"I keep my rules: I only read the concert data, as the "
            f"asking principal may. {CAN_DO}.",
        )
    if _WRITE.search(tokens.text()):
        return Verdict(
            "refusal",
            "I can only read data, never change or delete it; data changes go through the "
            f"pipeline. {CAN_DO}.",
        )
    if tokens.has(*vocab.PII_PHRASES) or re.match(
        r"(who|which people) (bought|purchased)", tokens.text()
    ):
        return Verdict(
            "refusal",
            "I can't share personal data about customers (names, emails, birth dates, who "
            "bought what). I can count customers and break them down by segment or country, "
            'e.g. "how many customers bought tickets in 2025".',
        )
    if tokens.has(*vocab.REFUSE_TOPICS):
        return Verdict(
            "refusal",
            f"That is outside what I know: I only have the concert business's data. {CAN_DO}.",
        )
    return None
