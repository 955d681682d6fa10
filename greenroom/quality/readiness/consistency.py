"""Values the pipeline normalises, counted from bronze with SQL: the lake records no such
counts, so they are computed from what arrived, guided by each feed's data contract.

- a timestamp or date property whose contract lists accepted `formats` is in canonical
  form when it parses with the first (ISO) one; the others are *reformatted*;
- a timestamp with an explicit non-UTC offset is *shifted to UTC*; one with no zone at
  all is *zoned by the pipeline* (venue-local or UTC, as its model says: not counted as a
  conversion, since the lake does not record which);
- a `currency` property other than `USD` marks an amount *converted to USD*.

Whether normalisation succeeded is read from `ops.silver_rejects`: a record the pipeline
could not normalise is rejected with one of `NORMALISATION_REASONS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from greenroom.quality.contract import Contract, Property

if TYPE_CHECKING:
    from greenroom.lake.reader import Reader

NORMALISATION_REASONS: tuple[str, ...] = ("invalid_timestamp", "unknown_currency")
"""Silver reject reasons that mean a value could not be brought to canonical form."""
_UTC = r"(Z|[+-]00:?00)$"
_OFFSET = r"(Z|[+-]\d{2}:?\d{2})$"


@dataclass(frozen=True)
class Normalised:
    """What one feed's normalisation touched, counted over its bronze records."""

    counts: dict[str, int]
    """`<property>.reformatted|offset_to_utc|no_zone|to_usd` → records."""
    properties: tuple[str, ...]

    @property
    def total(self) -> int:
        """Values changed by the pipeline (zone-less timestamps are not counted)."""
        return sum(v for k, v in self.counts.items() if not k.endswith(".no_zone"))


def _text(p: Property) -> str:
    return f"CAST({p.expr} AS VARCHAR)"


def _measures(contract: Contract) -> list[tuple[str, str]]:
    """(name, SQL count) per normalisation the contract implies."""
    out: list[tuple[str, str]] = []
    for p in contract.table.properties:
        v = _text(p)
        if p.logical_type in ("timestamp", "date") and p.options.formats:
            first = p.options.formats[0].replace("'", "''")
            out.append(
                (f"{p.name}.reformatted",
                 f"count_if({v} IS NOT NULL AND try_strptime(trim({v}), '{first}') IS NULL)")
            )  # fmt: skip
        if p.logical_type == "timestamp":
            out.append(
                (f"{p.name}.offset_to_utc",
                 f"count_if(regexp_matches(trim({v}), '{_OFFSET}') "
                 f"AND NOT regexp_matches(trim({v}), '{_UTC}'))")
            )  # fmt: skip
            out.append(
                (f"{p.name}.no_zone",
                 f"count_if({v} IS NOT NULL AND NOT regexp_matches(trim({v}), '{_OFFSET}'))")
            )  # fmt: skip
        if p.name.endswith("currency"):
            out.append(
                (f"{p.name}.to_usd",
                 f"count_if(coalesce(upper(trim({v})), 'USD') NOT IN ('USD', ''))")
            )  # fmt: skip
    return out


def normalised(reader: Reader, contract: Contract) -> Normalised:
    """Count, over `bronze.<feed>`, the values the pipeline brings to canonical form."""
    measures = _measures(contract)
    if not measures:
        return Normalised({}, ())
    select = ", ".join(f'{sql} AS "{name}"' for name, sql in measures)
    row = reader.sql(f"SELECT {select} FROM bronze.{contract.feed} AS t").to_pylist()[0]
    props = tuple(dict.fromkeys(name.split(".", 1)[0] for name, _ in measures))
    return Normalised({k: int(v or 0) for k, v in row.items()}, props)
