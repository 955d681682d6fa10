"""`greenroom auth …`: tokens for the web app and its API, and the roles they can carry."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="Tokens for the web app and the API, and roles.", no_args_is_help=True)
token_app = typer.Typer(help="Create, list and revoke bearer tokens.", no_args_is_help=True)
app.add_typer(token_app, name="token")

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


@token_app.command("create")
def create(
    principal: Annotated[str, typer.Option("--principal", help="Who the token speaks for.")],
    role: Annotated[
        str | None,
        typer.Option(
            "--role",
            help="One of `greenroom auth roles`; default: the registered principal's role, "
            "else analyst.",
        ),
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Create a token; its secret is printed once (only a digest is stored)."""
    from greenroom.cli._output import print_json
    from greenroom.config import get_settings
    from greenroom.governance.service import DataGovernanceService

    issued = DataGovernanceService(get_settings()).create_token(principal.strip(), role)
    role = issued.info.role
    if json_out:
        print_json({"token_id": issued.info.token_id, "principal": principal, "role": role,
                    "token": issued.token})  # fmt: skip
        return
    typer.echo(f"token {issued.info.token_id} for `{principal}` (role {role}):")
    typer.echo(issued.token)
    typer.secho("Shown once: store it now. Revoke with "
                f"`greenroom auth token revoke {issued.info.token_id}`.", dim=True)  # fmt: skip


@token_app.command("list")
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Include revoked tokens.")] = False,
    json_out: JsonFlag = False,
) -> None:
    """List tokens (never their secrets); the built-in admin is always there."""
    from greenroom.cli._output import print_json, print_rows
    from greenroom.config import get_settings
    from greenroom.governance.tokens import token_store

    infos = token_store(get_settings()).list(include_revoked=all_)
    rows = [["admin", "admin", "admin", "built-in", None]] + [
        [i.token_id, i.principal, i.role, i.created_at, i.revoked_at] for i in infos
    ]
    columns = ["token_id", "principal", "role", "created_at", "revoked_at"]
    if json_out:
        print_json([dict(zip(columns, r, strict=True)) for r in rows])
    else:
        print_rows(columns, rows, title="tokens")


@token_app.command("revoke")
def revoke(token_id: Annotated[str, typer.Argument(help="The id from `token list`.")]) -> None:
    """Revoke a token: API calls and browser sign-ins with it stop at once."""
    from greenroom.config import get_settings
    from greenroom.governance.service import DataGovernanceService

    info = DataGovernanceService(get_settings()).revoke_token(token_id)
    typer.echo(
        f"revoked {info.token_id} (`{info.principal}`, role {info.role}) at {info.revoked_at}"
    )


@app.command("roles")
def roles(json_out: JsonFlag = False) -> None:
    """The roles a token can carry and the rights each grants."""
    from greenroom.cli._output import print_json, print_rows
    from greenroom.governance.roles import ROLE_HELP, ROLES

    if json_out:
        print_json({r: sorted(rights) for r, rights in ROLES.items()})
        return
    print_rows(
        ["role", "rights", "for"],
        [[r, ", ".join(sorted(rights)), ROLE_HELP[r]] for r, rights in ROLES.items()],
        title="roles",
    )
