"""Data contracts: one YAML file per source feed, shaped after the Open Data Contract Standard.

A contract lists the feed's properties (fields) with their logical type, whether they are
required, their allowed range, values or pattern, uniqueness, and references to another
feed's ids. Every constraint becomes a rule with a stable id
`<feed>.<property>.<kind>` and a severity: `reject` (the record goes to quarantine) or
`warn` (the record is kept and the rule id is listed in its `_warnings`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from greenroom.quality.exceptions import ContractError

LogicalType = Literal[
    "string", "integer", "number", "boolean", "date", "timestamp", "array", "object"
]
Severity = Literal["reject", "warn"]


class Options(BaseModel):
    """ODCS `logicalTypeOptions`, plus `enum` and the date `formats` a source is known to use."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = Field(default=None, alias="exclusiveMinimum")
    exclusive_maximum: float | None = Field(default=None, alias="exclusiveMaximum")
    pattern: str | None = None
    enum: list[str] | None = None
    formats: list[str] | None = None
    min_length: int | None = Field(default=None, alias="minLength")


class Property(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str
    path: str | None = Field(
        default=None, description="SQL expression for a nested field, e.g. `dates.start.localDate`"
    )
    logical_type: LogicalType = Field(default="string", alias="logicalType")
    required: bool = False
    unique: bool = False
    references: str | None = Field(default=None, description="`<feed>.<column>` holding known ids")
    options: Options = Field(default_factory=Options, alias="logicalTypeOptions")
    severity: dict[str, Severity] = Field(
        default_factory=dict, description="Per rule kind, when it should not reject: {unique: warn}"
    )
    description: str | None = None

    @property
    def expr(self) -> str:
        """The SQL expression reading this property from a record aliased `t`."""
        return self.path or f't."{self.name}"'


class SchemaObject(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    name: str
    physical_type: str | None = Field(default=None, alias="physicalType")
    record_id: str = Field(alias="recordId", description="property naming the record in its source")
    properties: list[Property]


class Contract(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    api_version: str = Field(alias="apiVersion")
    kind: Literal["DataContract"]
    id: str
    version: str
    status: str = "active"
    description: dict[str, Any] | str | None = None
    schema_: list[SchemaObject] = Field(alias="schema", min_length=1, max_length=1)

    @property
    def feed(self) -> str:
        return self.id

    @property
    def table(self) -> SchemaObject:
        return self.schema_[0]


CONTRACTS_DIR = "contracts"


def parse_contract(text: str, origin: str) -> Contract:
    try:
        data = yaml.safe_load(text)
        return Contract.model_validate(data)
    except yaml.YAMLError as exc:
        raise ContractError(f"contract `{origin}` is not valid YAML: {exc}") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ContractError(f"contract `{origin}`: `{where}` {err['msg']}") from None


def load_contract_file(path: Path) -> Contract:
    if not path.is_file():
        raise ContractError(f"no contract at `{path}`")
    return parse_contract(path.read_text(encoding="utf-8"), str(path))


@cache
def load_contract(feed: str) -> Contract:
    """The shipped contract of `feed` (greenroom/quality/contracts/<feed>.yaml)."""
    res = resources.files(__package__).joinpath(CONTRACTS_DIR, f"{feed}.yaml")
    if not res.is_file():
        raise ContractError(
            f"feed `{feed}` has no contract; add greenroom/quality/contracts/{feed}.yaml "
            "(docs/ingestion.md shows how)"
        )
    return parse_contract(res.read_text(encoding="utf-8"), f"{feed}.yaml")
