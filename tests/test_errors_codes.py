"""Every error class has a stable code: the CLI, the API and the chat share them."""

from __future__ import annotations

import importlib
import pkgutil

import greenroom
from greenroom.errors import GreenroomError, UserError


def _all_subclasses(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub} | _all_subclasses(sub)
    return out


def test_every_error_class_has_a_snake_case_code() -> None:
    for info in pkgutil.walk_packages(greenroom.__path__, "greenroom."):
        if (
            info.name.endswith(("exceptions", "errors"))
            or ".agent." in info.name
            or ".web." in info.name
        ):
            importlib.import_module(info.name)
    classes = {c for c in _all_subclasses(GreenroomError) if c.__module__.startswith("greenroom.")}
    for cls in classes:
        assert cls.code.replace("_", "").isalnum() and cls.code == cls.code.lower(), cls
        assert "code" in cls.__dict__, f"{cls.__qualname__} inherits its code; give it its own"
    by_code: dict[str, list[str]] = {}
    for cls in classes:
        by_code.setdefault(cls.code, []).append(cls.__qualname__)
    assert {c: n for c, n in by_code.items() if len(n) > 1} == {}, "codes must be unique"


def test_error_payload_carries_code_message_and_data() -> None:
    from greenroom.lake.exceptions import TableNotFoundError

    payload = TableNotFoundError("silver.nope").error_payload()
    assert payload["code"] == "table_not_found"
    assert payload["category"] == "user"
    assert payload["data"] == {"name": "silver.nope"}
    assert "greenroom lake tables" in payload["message"]
    assert UserError("x").error_payload()["code"] == "invalid_request"
