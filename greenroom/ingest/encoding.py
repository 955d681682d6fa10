"""Repair mojibake in a batch's text fields: UTF-8 text once decoded as Latin-1/Windows-1252
("MotÃ¶rhead" → "Motörhead"). The raw zone keeps the bytes as received; bronze gets the
repaired text, and each repaired record carries `<feed>.<field>.encoding_repaired` in its
`_warnings` (the validator turns each returned mask into such a flag)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from greenroom.text import repair_mojibake


def repair_text(records: pa.Table, feed: str) -> tuple[pa.Table, dict[str, pa.Array]]:
    """`records` with top-level text fields repaired, and per flag the records it marks."""
    flags: dict[str, pa.Array] = {}
    out = records
    for index, field in enumerate(records.schema):
        if not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)):
            continue
        column = records.column(index).combine_chunks()
        if pc.all(pc.string_is_ascii(column)).as_py() is not False:
            continue  # mojibake needs non-ASCII characters; ids, codes and numbers have none
        repaired = repair_mojibake(column)
        changed = pc.fill_null(pc.not_equal(repaired, pc.cast(column, pa.string())), False)
        if pc.any(changed).as_py():
            out = out.set_column(index, field.name, pc.cast(repaired, field.type))
            flags[f"{feed}.{field.name}.encoding_repaired"] = changed
    return out, flags
