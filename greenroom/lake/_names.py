"""Table names: `namespace.table`, with the namespace one of the lake's zones."""

from __future__ import annotations

import re

from greenroom.lake.exceptions import InvalidTableNameError

NAMESPACES: tuple[str, ...] = ("bronze", "silver", "gold", "quarantine", "ops")

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def split_name(name: str) -> tuple[str, str]:
    """`"silver.concerts"` → `("silver", "concerts")`; anything else is an `InvalidTableNameError`.

    Names are case-insensitive, as in SQL (and Glue): they are lower-cased.
    """
    parts = name.split(".")
    if len(parts) != 2 or not all(_IDENT.match(p) for p in parts):
        raise InvalidTableNameError(
            f"table name `{name}` is not of the form `namespace.table` "
            f"(namespace one of {', '.join(NAMESPACES)}; letters, digits and _ only)"
        )
    namespace, table = (p.lower() for p in parts)  # SQL names are case-insensitive
    if namespace not in NAMESPACES:
        raise InvalidTableNameError(
            f"namespace `{namespace}` of table `{name}` is unknown; use one of {', '.join(NAMESPACES)}"
        )
    return namespace, table
