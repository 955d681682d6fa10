"""The policy document: IAM-style statements and Lake Formation-style grants, as data.

A document is YAML (``<home>/governance/policies.yaml``; the built-in one ships beside
this module)::

    statements:            # may the principal act on the resource at all? (IAM)
      - sid: analysts-read-curated
        effect: Allow      # Allow | Deny; an explicit Deny beats any Allow; default deny
        principals: [role:analyst]          # role:NAME, principal:NAME or *
        actions: ["lake:Select"]            # lake:Select, governance:Manage; * wildcards
        resources: [silver.*, gold.*]       # ns.table; * wildcards
        condition: {StringEquals: {principal.region: EU}}
    grants:                # what of an allowed table the principal sees (Lake Formation)
      - sid: analysts-no-personal-data
        principals: [role:analyst]
        tables: ["*"]
        columns: {exclude: [email]}         # or {include: [...]}
        exclude_tags: {pii: "*"}            # LF-TBAC: columns tagged pii=anything
        row_filter: "venue_id IN (${principal.venue_ids})"
        masks: {customer_id: keyed_hash}    # redact | partial | keyed_hash | null
        tag_masks: {"pii=email": partial}
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

Effect = Literal["Allow", "Deny"]
MaskKind = Literal["redact", "partial", "keyed_hash", "null"]
MASK_KINDS: tuple[MaskKind, ...] = ("null", "redact", "keyed_hash", "partial")
"""Strongest first: when several grants mask one column, the strongest mask applies."""

ConditionOperator = Literal[
    "StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "Null"
]


def _principal_form(item: str) -> str:
    if item != "*" and not item.startswith(("role:", "principal:")):
        raise ValueError(f"`{item}`: write role:NAME, principal:NAME or *")
    return item


PrincipalRef = Annotated[str, AfterValidator(_principal_form)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Statement(_Strict):
    """One IAM-style statement."""

    sid: str = Field(min_length=1, description="A name, quoted by `explain` and the audit.")
    effect: Effect
    principals: tuple[PrincipalRef, ...] = Field(min_length=1)
    actions: tuple[str, ...] = Field(min_length=1)
    resources: tuple[str, ...] = Field(min_length=1)
    condition: dict[ConditionOperator, dict[str, str | list[str]]] = Field(default_factory=dict)
    description: str = ""


class ColumnSpec(_Strict):
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()


class Grant(_Strict):
    """One Lake Formation-style grant: restrictions on what an allowed table shows."""

    sid: str = Field(min_length=1)
    principals: tuple[PrincipalRef, ...] = Field(min_length=1)
    tables: tuple[str, ...] = Field(min_length=1)
    columns: ColumnSpec = Field(default_factory=ColumnSpec)
    include_tags: dict[str, str] = Field(default_factory=dict)
    exclude_tags: dict[str, str] = Field(default_factory=dict)
    row_filter: str | None = None
    masks: dict[str, MaskKind] = Field(default_factory=dict)
    tag_masks: dict[str, MaskKind] = Field(default_factory=dict)
    """``"key=value"`` (value may be ``*``) → mask kind."""
    description: str = ""

    @field_validator("tag_masks")
    @classmethod
    def _tag_form(cls, value: dict[str, MaskKind]) -> dict[str, MaskKind]:
        for tag in value:
            if "=" not in tag:
                raise ValueError(f"`{tag}`: write tags as key=value (value may be *)")
        return value


class PolicyDocument(_Strict):
    """Every statement and grant in force."""

    statements: tuple[Statement, ...] = ()
    grants: tuple[Grant, ...] = ()
