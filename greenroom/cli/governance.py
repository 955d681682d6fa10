"""`greenroom governance …`: principals, grants, the policy in force and why it decides,
compliance; the PII scanner, erasure and retention commands are registered here too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

import typer

from greenroom.cli.governance_erasure import erase, retention_apply
from greenroom.cli.governance_pii import pii_score, scan

if TYPE_CHECKING:
    from greenroom.governance.policy.model import ConditionOperator
    from greenroom.governance.service import DataGovernanceService

app = typer.Typer(
    help="Who may read what: principals, grants, policies, explanations, compliance.",
    no_args_is_help=True,
)
principals_app = typer.Typer(
    help="Principals: names with a role and attributes.", no_args_is_help=True
)
retention_app = typer.Typer(help="Retention per zone and table.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
PrincipalOpt = Annotated[str, typer.Option("--principal", help="A registered principal.")]
TableOpt = Annotated[str, typer.Option("--table", help="A lake table, `ns.name`.")]


def _service() -> DataGovernanceService:
    from greenroom.config import get_settings
    from greenroom.governance.service import DataGovernanceService

    return DataGovernanceService(get_settings())


def _pairs(items: list[str], what: str) -> dict[str, str]:
    from greenroom.errors import UserError

    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"{what} `{item}` must read KEY=VALUE, e.g. venue_ids=ven_1,ven_2")
        out[key.strip()] = value.strip()
    return out


@principals_app.command("add")
def principals_add(
    name: Annotated[str, typer.Argument(help="The principal's name.")],
    role: Annotated[str, typer.Option("--role", help="One of `greenroom auth roles`.")],
    attr: Annotated[
        list[str] | None,
        typer.Option("--attr", help="KEY=VALUE, repeatable (a list: KEY=a,b)."),
    ] = None,
) -> None:
    """Register a principal, or replace its role and attributes (its tokens follow)."""
    service = _service()
    attributes = _pairs(attr or [], "attribute")
    principal, new = service.add_principal(name.strip(), role, attributes)
    shown = ", ".join(f"{k}={v}" for k, v in attributes.items()) or "no attributes"
    typer.echo(f"{'added' if new else 'updated'} `{principal.name}` (role {role}; {shown})")


@principals_app.command("list")
def principals_list(json_out: JsonFlag = False) -> None:
    """Every registered principal."""
    from greenroom.cli._output import print_json, print_rows

    found = _service().tokens.principals()
    rows = [
        [p.name, ",".join(p.roles), ", ".join(f"{k}={v}" for k, v in p.attributes.items())]
        for p in found
    ]
    if json_out:
        print_json(
            [
                {"name": p.name, "roles": list(p.roles), "attributes": dict(p.attributes)}
                for p in found
            ]
        )
        return
    print_rows(["principal", "role", "attributes"], rows)


@principals_app.command("remove")
def principals_remove(name: Annotated[str, typer.Argument(help="The principal's name.")]) -> None:
    """Forget a principal and revoke its tokens."""
    service = _service()
    revoked = service.remove_principal(name.strip())
    typer.echo(f"removed `{name.strip()}`; {revoked} token(s) revoked")


@app.command("grant")
def grant(
    principal: PrincipalOpt,
    table: TableOpt,
    columns: Annotated[
        str | None, typer.Option("--columns", help="Only these columns, comma-separated.")
    ] = None,
    exclude: Annotated[
        str | None, typer.Option("--exclude-columns", help="Hide these columns, comma-separated.")
    ] = None,
    row_filter: Annotated[
        str | None,
        typer.Option("--row-filter", help="SQL predicate; ${principal.ATTR} is replaced."),
    ] = None,
    mask: Annotated[
        list[str] | None,
        typer.Option("--mask", help="COLUMN=redact|partial|keyed_hash|null, repeatable."),
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Let a principal read a table (optionally some columns, rows, with masks)."""
    from greenroom.cli._output import print_json
    from greenroom.errors import UserError
    from greenroom.governance.policy.model import MASK_KINDS

    masks = _pairs(mask or [], "mask")
    for column, kind in masks.items():
        if kind not in MASK_KINDS:
            raise UserError(f"mask `{kind}` for `{column}`: choose one of {', '.join(MASK_KINDS)}")
    result = _service().grant_table_access(
        principal,
        table,
        ("SELECT",),
        columns=None if columns is None else [c.strip() for c in columns.split(",") if c.strip()],
        exclude_columns=[c.strip() for c in (exclude or "").split(",") if c.strip()],
        row_filter=row_filter,
        masks=masks,  # type: ignore[arg-type]
    )
    if json_out:
        print_json(result.__dict__)
        return
    typer.echo(f"{result.message}; policy version {result.policy_version}")


@app.command("revoke")
def revoke(principal: PrincipalOpt, table: TableOpt, json_out: JsonFlag = False) -> None:
    """Take a table away from a principal (an explicit deny if a role still grants it)."""
    from greenroom.cli._output import print_json

    result = _service().revoke_table_access(principal, table)
    if json_out:
        print_json(result.__dict__)
        return
    typer.echo(f"{result.message}; policy version {result.policy_version}")


@app.command("policies")
def policies(json_out: JsonFlag = False) -> None:
    """The policy in force: its version, statements and grants."""
    from greenroom.cli._output import print_json, print_rows

    loaded = _service().policies()
    doc = loaded.document
    if json_out:
        print_json(
            {"version": loaded.version, "source": loaded.source}
            | doc.model_dump(mode="json", exclude_defaults=True)
        )
        return
    typer.echo(f"policy version {loaded.version} ({loaded.source})")
    print_rows(
        ["statement", "effect", "principals", "actions", "resources", "condition"],
        [
            [s.sid, s.effect, ", ".join(s.principals), ", ".join(s.actions),
             ", ".join(s.resources), _condition(s.condition)]
            for s in doc.statements
        ],
    )  # fmt: skip
    print_rows(
        ["grant", "principals", "tables", "restricts"],
        [[g.sid, ", ".join(g.principals), ", ".join(g.tables), _restricts(g)] for g in doc.grants],
    )


@app.command("explain")
def explain(principal: PrincipalOpt, table: TableOpt, json_out: JsonFlag = False) -> None:
    """Which statement decides whether a principal reads a table, and what it then sees."""
    from greenroom.cli._output import print_json

    found = _service().explain(principal, table)
    if json_out:
        print_json(found.as_dict())
        return
    d = found.decision
    who = f"`{found.principal.name}` (role {', '.join(found.principal.roles)})"
    verdict = "may read" if d.allowed else "may NOT read"
    typer.echo(f"{who} {verdict} `{found.table}`: {d.reason}.")
    for sid, why in d.skipped:
        typer.echo(f"  statement `{sid}` names it but does not apply: {why}")
    if not d.allowed:
        return
    typer.echo(f"  columns visible: {', '.join(found.visible) or 'none'}")
    for h in found.hidden:
        typer.echo(f"  hidden `{h.column}`: {h.reason} (grant `{h.policy}`)")
    for m in found.masks:
        typer.echo(f"  masked `{m.column}`: {m.kind} (grant `{m.grant}`)")
    for f in found.filters:
        note = f" — {f.note}" if f.note else ""
        typer.echo(f"  rows: only where {f.sql} (grant `{f.grant}`){note}")
    if not (found.hidden or found.masks or found.filters):
        typer.echo("  every row and column, unmasked")


@app.command("compliance")
def compliance(
    dataset: Annotated[
        str | None,
        typer.Option("--dataset", help="A table `ns.name` or a namespace; all tables if omitted."),
    ] = None,
    regulation: Annotated[
        list[str] | None,
        typer.Option("--regulation", help="GDPR or CCPA, repeatable (both if omitted)."),
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Check the lake against GDPR and CCPA; each finding with its fix (exit 1 if any).

    Personal data untagged or exposed to a role without clearance, retention breaches, and
    the audit chain."""
    from greenroom.cli._output import print_json, print_rows
    from greenroom.config import get_settings
    from greenroom.governance.compliance import REGULATIONS, check_compliance

    report = check_compliance(get_settings(), dataset, regulation or REGULATIONS)
    if json_out:
        print_json(report.as_dict())
    else:
        regs = " and ".join(report.regulations)
        typer.echo(
            f"{regs}: {len(report.tables)} tables, {len(report.pii)} personal-data columns, "
            f"{len(report.findings)} finding(s)"
        )
        if report.findings:
            print_rows(
                ["rule", "where", "what", "fix"],
                [
                    [f.rule, f.table + (f".{f.column}" if f.column else ""), f.message, f.fix]
                    for f in report.findings
                ],
            )
    if not report.compliant:
        raise typer.Exit(1)


def _condition(condition: Mapping[ConditionOperator, Mapping[str, str | list[str]]]) -> str:
    return "; ".join(f"{op} {k}={v}" for op, kv in condition.items() for k, v in kv.items())


def _restricts(grant: object) -> str:
    from greenroom.governance.policy.model import Grant

    assert isinstance(grant, Grant)
    parts: list[str] = []
    if grant.columns.include is not None:
        parts.append("only " + ",".join(grant.columns.include))
    if grant.columns.exclude:
        parts.append("hides " + ",".join(grant.columns.exclude))
    if grant.exclude_tags:
        parts.append("hides tagged " + ",".join(f"{k}={v}" for k, v in grant.exclude_tags.items()))
    if grant.include_tags:
        parts.append("only tagged " + ",".join(f"{k}={v}" for k, v in grant.include_tags.items()))
    if grant.row_filter:
        parts.append(f"rows: {grant.row_filter}")
    if grant.masks or grant.tag_masks:
        masks = {**grant.masks, **grant.tag_masks}
        parts.append("masks " + ",".join(f"{k}:{v}" for k, v in masks.items()))
    return "; ".join(parts)


# The commands that live in their own modules, in the order `--help` lists them after the
# ones above: finding personal data, erasing it, keeping it no longer than allowed.
app.command("scan")(scan)
app.command("pii-score")(pii_score)
app.command("erase")(erase)
retention_app.command("apply")(retention_apply)
app.add_typer(retention_app, name="retention")
app.add_typer(principals_app, name="principals")
