"""The kinds of personal data the scanner recognises, each as a DuckDB SQL predicate.

A predicate reads three columns of the values being classified (see `classify`):
``v`` (the value as trimmed text), ``d`` (its digits only) and ``nd`` (how many digits).
``{today}`` is the platform's reference date; ``{names}`` a list of known given names and
surnames (lower case, accents stripped; `greenroom.reference.person_names`).

`weak` kinds are shapes many innocent columns share (any date, any five-digit number):
without a column-name hint their content counts for half. `customer_id` has no pattern of
its own: a column holds customer ids when its values are the keys of a table of persons
(`scan` decides it by a semi-join, after the pattern kinds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

PiiKind = Literal[
    "email",
    "phone",
    "person_name",
    "street_address",
    "postal_code",
    "date_of_birth",
    "card_number",
    "ip_address",
    "customer_id",
]
"""The same kinds the synthetic world declares in ``truth/pii.parquet``."""

MIN_CONFIDENCE = 0.8
"""A finding at or above this confidence is personal data: `scan` tags it, compliance
reports it untagged otherwise."""

KINDS: tuple[PiiKind, ...] = get_args(PiiKind)

IDENTIFIER_KINDS: frozenset[PiiKind] = frozenset({"customer_id"})
"""Pseudonymous keys of a person: tagged ``personal_id=<kind>``, not ``pii=<kind>`` (the
default policy hides every ``pii=*`` column from analysts, and CONTRACT.md's "customers"
metric counts distinct customer ids)."""

DIRECT = ("email", "phone")
"""Kinds that make a table a table of persons (its key column then holds customer ids): a
contact column. Person names alone do not (a tiny table of solo artists looks like one)."""

_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_STREET_SUFFIX = (
    "street|st|road|rd|avenue|ave|way|lane|ln|drive|dr|boulevard|blvd|square|sq|place|pl|"
    "court|ct|terrace|close|crescent|parkway|pkwy|highway|hwy|row|alley|circle|trail|walk"
)
_STREET_PREFIX = "rue|calle|via|viale|avenida|av|rua|carrer|plaza|piazza|praca|paseo|boulevard"
_STREET_WORD = (
    "strasse|straße|str|weg|gasse|platz|allee|ring|damm|gracht|laan|straat|vej|gatan|gata|katu"
)

_LUHN = (
    "list_sum([CASE WHEN i % 2 = 0 THEN "
    "CAST(substr(reverse(d), i, 1) AS INTEGER) * 2 "
    "- CASE WHEN CAST(substr(reverse(d), i, 1) AS INTEGER) > 4 THEN 9 ELSE 0 END "
    "ELSE CAST(substr(reverse(d), i, 1) AS INTEGER) END "
    "FOR i IN range(1, length(d) + 1)]) % 10 = 0"
)

_DATE = (
    "coalesce(try_cast(v AS DATE), "
    "try_strptime(v, ['%d/%m/%Y', '%m/%d/%Y', '%d.%m.%Y', '%Y/%m/%d', '%d-%m-%Y'])::DATE)"
)

PREDICATES: dict[PiiKind, str] = {
    "email": r"regexp_full_match(v, '[A-Za-z0-9._%+''-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}')",
    "phone": (
        r"nd BETWEEN 7 AND 15 AND regexp_full_match(v, '(\+|00)?\(?[0-9][0-9 ().-]{5,20}[0-9]')"
        r" AND (v LIKE '+%' OR v LIKE '00%' OR regexp_matches(v, '[ ()-]'))"
        r" AND NOT regexp_full_match(v, '[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}')"
    ),
    "person_name": (
        r"regexp_full_match(v, '\p{Lu}[\p{L}''.-]+( \p{Lu}[\p{L}''.-]+){0,2}')"
        r" AND list_has_any(string_split_regex(lower(strip_accents(v)), '[ ''.-]+'), {names})"
    ),
    "street_address": (
        rf"regexp_full_match(v, '(?i)[0-9]{{1,5}}[a-z]?,? +([^ ,]+ +){{0,4}}({_STREET_SUFFIX})\.?(,.*)?')"
        rf" OR regexp_full_match(strip_accents(v), '(?i)([0-9]{{1,5}},? +)?({_STREET_PREFIX}) +.+')"
        r" AND regexp_matches(v, '[0-9]')"
        rf" OR regexp_full_match(strip_accents(v), '(?i)[^0-9,]*({_STREET_WORD})\.? +[0-9]{{1,5}}[a-z]?(,.*)?')"
    ),
    "postal_code": (
        r"regexp_full_match(v, '[0-9]{5}(-[0-9]{4})?|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}"
        r"|[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]|[0-9]{4} ?[A-Z]{2}')"
    ),
    "date_of_birth": (
        f"length(v) <= 10 AND date_diff('year', {_DATE}, DATE '{{today}}') BETWEEN 16 AND 100"
    ),
    "card_number": (
        r"nd BETWEEN 13 AND 19 AND regexp_full_match(v, '[0-9]([0-9]|[ -][0-9]){12,22}') AND "
        + _LUHN
    ),
    "ip_address": (
        rf"regexp_full_match(v, '{_OCTET}(\.{_OCTET}){{3}}')"
        r" OR (regexp_full_match(v, '(?i)[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}')"
        r" AND (v LIKE '%::%' OR length(v) - length(replace(v, ':', '')) = 7))"
    ),
}
"""Kind → SQL predicate over ``v``, ``d``, ``nd`` (customer_id has none: see the module doc)."""

WEAK: frozenset[PiiKind] = frozenset({"postal_code", "date_of_birth"})

_HINTS: dict[PiiKind, str] = {
    "email": r"e_?mail",
    "phone": r"phone|mobile|(^|_)tel($|_)|msisdn|(^|_)fax($|_)",
    "person_name": r"(first|last|given|family|full|middle|maiden|sur|fore)_?name",
    "street_address": r"street|address|(^|_)addr|line_?1",
    "postal_code": r"zip|postal|post_?code",
    "date_of_birth": r"birth|(^|_)dob($|_)|(^|_)born",
    "card_number": r"card|(^|_)pan($|_)|cc_?num|credit",
    "ip_address": r"(^|_)ip($|_)|ip_?addr|remote_addr",
    "customer_id": r"customer|(^|_)cust($|_)|client|member|(^|_)user|buyer|(^|_)fan_id",
}

HINT_BONUS = 0.2
"""Confidence added (up to 1) when the column's name says the same kind as its content."""


@dataclass(frozen=True)
class Confidence:
    content: float
    """Share of the sampled values that match the kind."""
    hinted: bool
    """The column's name names this kind."""
    value: float
    """The confidence reported: content, raised by a hint, halved for a weak kind without one."""


def hinted(kind: PiiKind, column: str) -> bool:
    """Whether the column's name (its last path segment, lower case) names `kind`."""
    leaf = column.rsplit(".", 1)[-1].lower()
    return re.search(_HINTS[kind], leaf) is not None


def confidence(
    kind: PiiKind, column: str, matched: int, sampled: int, *, use_name: bool = True
) -> Confidence:
    """How sure a column of `sampled` values, `matched` of them like `kind`, holds `kind`
    (`use_name=False`: the column's name unseen, as if it had none)."""
    content = matched / sampled if sampled else 0.0
    hint = use_name and hinted(kind, column)
    if hint:
        value = min(1.0, content + HINT_BONUS) if content > 0 else 0.0
    elif kind in WEAK:
        value = content / 2
    else:
        value = content
    return Confidence(round(content, 4), hint, round(value, 4))
