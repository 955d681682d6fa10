"""Masks as SQL expressions over one column, computed inside the governed view.

- ``redact``: the text ``[redacted]`` (null stays null); the column becomes text.
- ``partial``: an email keeps its first letter and its domain (``j***@example.com``);
  anything else keeps its last four characters (``********1234``).
- ``keyed_hash``: ``anon_`` + 20 hex digits of SHA-256 over a secret key and the value: the
  same value gives the same pseudonym in every table, so joins and distinct counts still
  work, and without the key nobody can recompute it from a guessed value.
- ``null``: null of the column's own type.
"""

from __future__ import annotations

from greenroom.governance.policy.model import MaskKind


def mask_sql(kind: MaskKind, column_sql: str, key: str) -> str:
    text = f"CAST({column_sql} AS VARCHAR)"
    if kind == "null":
        return f"(CASE WHEN false THEN {column_sql} END)"
    if kind == "redact":
        return f"(CASE WHEN {column_sql} IS NULL THEN NULL ELSE '[redacted]' END)"
    if kind == "keyed_hash":
        secret = key.replace("'", "''")
        return (
            f"(CASE WHEN {column_sql} IS NULL THEN NULL "
            f"ELSE 'anon_' || left(sha256('{secret}' || {text}), 20) END)"
        )
    return (  # partial
        f"(CASE WHEN {column_sql} IS NULL THEN NULL "
        f"WHEN strpos({text}, '@') > 1 THEN left({text}, 1) || '***' || "
        f"substr({text}, strpos({text}, '@')) "
        f"WHEN length({text}) > 4 THEN repeat('*', length({text}) - 4) || right({text}, 4) "
        f"ELSE repeat('*', length({text})) END)"
    )
