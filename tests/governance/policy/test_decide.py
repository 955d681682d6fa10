"""The IAM layer: explicit deny beats allow, default deny, wildcards, conditions."""

from __future__ import annotations

import pytest

from greenroom.governance.policy.decide import DEFAULT_DENY, decide
from greenroom.governance.policy.model import PolicyDocument, Statement
from greenroom.governance.policy.store import parse
from greenroom.governance.principals import Principal

ANALYST = Principal("ana", ("analyst",))
PARTNER = Principal("ven", ("venue_partner",), {"venue_ids": "v1,v2", "region": "EU"})


def _doc(*statements: Statement) -> PolicyDocument:
    return PolicyDocument(statements=statements)


def _allow(sid: str, resources: tuple[str, ...], **kw: object) -> Statement:
    return Statement.model_validate(
        {"sid": sid, "effect": "Allow", "principals": ["role:analyst"], "actions": ["lake:Select"],
         "resources": list(resources)} | kw
    )  # fmt: skip


def test_default_deny_names_itself() -> None:
    d = decide(_doc(), ANALYST, "lake:Select", "silver.concerts")
    assert not d.allowed and d.statement == DEFAULT_DENY
    assert "no statement allows `lake:Select` on `silver.concerts`" in d.reason


def test_allow_with_wildcards_and_case() -> None:
    doc = _doc(_allow("curated", ("silver.*", "GOLD.*")))
    assert decide(doc, ANALYST, "lake:Select", "gold.sales_daily").allowed
    assert decide(doc, ANALYST, "LAKE:SELECT", "silver.concerts").allowed
    assert not decide(doc, ANALYST, "lake:Select", "bronze.concerts").allowed
    assert not decide(doc, ANALYST, "lake:Delete", "silver.concerts").allowed


def test_explicit_deny_beats_allow_whatever_the_order() -> None:
    deny = Statement(
        sid="no-customers", effect="Deny", principals=("*",), actions=("lake:*",),
        resources=("silver.customers",),
    )  # fmt: skip
    for doc in (_doc(deny, _allow("all", ("*",))), _doc(_allow("all", ("*",)), deny)):
        d = decide(doc, ANALYST, "lake:Select", "silver.customers")
        assert not d.allowed and d.statement == "no-customers"
        assert set(d.matched) == {"no-customers", "all"}
        assert decide(doc, ANALYST, "lake:Select", "silver.venues").statement == "all"


def test_principal_references() -> None:
    by_name = Statement(
        sid="one", effect="Allow", principals=("principal:an?",), actions=("*",), resources=("*",)
    )
    assert decide(_doc(by_name), ANALYST, "lake:Select", "x.y").allowed
    assert not decide(_doc(by_name), PARTNER, "lake:Select", "x.y").allowed
    with pytest.raises(ValueError, match="role:NAME, principal:NAME or"):
        Statement(
            sid="x", effect="Allow", principals=("analyst",), actions=("*",), resources=("*",)
        )


@pytest.mark.parametrize(
    ("condition", "allowed"),
    [
        ({"StringEquals": {"principal.region": "EU"}}, True),
        ({"StringEquals": {"principal.region": ["US", "EU"]}}, True),
        ({"StringEquals": {"principal.region": "US"}}, False),
        ({"StringNotEquals": {"principal.region": "US"}}, True),
        ({"StringLike": {"principal.venue_ids": "v*"}}, True),
        ({"StringNotLike": {"principal.venue_ids": "v2"}}, False),  # one of the list matches
        ({"Null": {"principal.venue_ids": "false"}}, True),
        ({"Null": {"principal.missing": "true"}}, True),
        ({"Null": {"principal.missing": "false"}}, False),
        ({"StringEquals": {"principal.name": "ven"}}, True),
        ({"StringEquals": {"principal.role": "venue_partner"}}, True),
        ({"StringEquals": {"principal.region": "EU"}, "Null": {"principal.x": "false"}}, False),
    ],
)
def test_conditions_on_principal_attributes(condition: dict[str, object], allowed: bool) -> None:
    statement = Statement.model_validate(
        {"sid": "c", "effect": "Allow", "principals": ["*"], "actions": ["lake:Select"],
         "resources": ["*"], "condition": condition}
    )  # fmt: skip
    d = decide(_doc(statement), PARTNER, "lake:Select", "silver.venues")
    assert d.allowed is allowed
    if not allowed:  # the skipped statement and why are in the reason
        assert d.skipped[0][0] == "c" and "`c` did not apply" in d.reason


def test_a_deny_whose_condition_fails_does_not_deny() -> None:
    doc = parse(
        """
statements:
  - {sid: all, effect: Allow, principals: ["*"], actions: ["*"], resources: ["*"]}
  - sid: not-outside-eu
    effect: Deny
    principals: ["*"]
    actions: ["*"]
    resources: ["*"]
    condition: {StringNotEquals: {principal.region: EU}}
"""
    )
    assert decide(doc, PARTNER, "lake:Select", "silver.venues").allowed
    assert not decide(doc, ANALYST, "lake:Select", "silver.venues").allowed


def test_the_built_in_policy_by_role() -> None:
    from greenroom.governance.policy.store import _built_in

    doc = _built_in().document
    cases = {
        ("admin", "bronze.sales"): True,
        ("data_engineer", "quarantine.sales"): True,
        ("analyst", "silver.customers"): True,
        ("analyst", "bronze.sales"): False,
        ("data_scientist", "gold.sales_daily"): True,
        ("data_scientist", "ops.audit"): False,
        ("public_chat", "gold.sales_daily"): True,
        ("public_chat", "silver.concerts"): False,
    }
    for (role, table), allowed in cases.items():
        assert decide(doc, Principal("p", (role,)), "lake:Select", table).allowed is allowed
    partner = Principal("p", ("venue_partner",), {"venue_ids": "v1"})
    assert decide(doc, partner, "lake:Select", "silver.concerts").allowed
    d = decide(doc, partner, "lake:Select", "silver.customers")
    assert not d.allowed and d.statement == "partners-no-customers"
    unscoped = decide(doc, Principal("p", ("venue_partner",)), "lake:Select", "silver.concerts")
    assert not unscoped.allowed and "`principal.venue_ids` is missing" in unscoped.reason
