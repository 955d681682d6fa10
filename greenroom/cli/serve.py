"""`greenroom serve`: the web app (dashboard, chat and REST API) on uvicorn."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from greenroom.config import Settings


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
) -> None:
    """Serve the dashboard, the chat and the REST API until Ctrl-C."""
    from greenroom.config import get_settings
    from greenroom.lake import Lakehouse

    settings = get_settings()
    Lakehouse.open(settings)  # a missing home is one clear line, before the server starts
    run_server(settings, host, port)


def run_server(settings: Settings, host: str, port: int) -> None:
    """Print where to go and with which token, then serve (blocks)."""
    import uvicorn

    from greenroom.governance.tokens import token_store
    from greenroom.web.app import create_app

    _check_port(host, port)
    token = token_store(settings).admin_token()
    shown = f"[{host}]" if ":" in host else host
    typer.secho(f"greenroom is serving on http://{shown}:{port}/", fg="green", bold=True)
    typer.echo(f"admin token: {token}")
    typer.secho("Sign in with it in the browser, or send `Authorization: Bearer <token>`. "
                "API docs: /docs. Ctrl-C to stop.", dim=True)  # fmt: skip
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def _check_port(host: str, port: int) -> None:
    """A port already taken is one clear line, not uvicorn's traceback."""
    import socket

    from greenroom.errors import UserError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UserError(
                f"cannot listen on {host}:{port} ({exc.strerror}); pass `--port` with a free "
                "port or stop what holds it"
            ) from None
