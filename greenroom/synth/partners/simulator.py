"""greenroom's partner simulator: MusicBrainz, Ticketmaster and Spotify on 127.0.0.1.

A stdlib ``ThreadingHTTPServer`` (no extra dependency, one thread per connection) in
front of :class:`~greenroom.synth.partners.app.SimulatorApp`. Use it in-process::

    with Simulator(world_dir) as sim:          # port 0: a free port
        sim.inject("spotify", "rate_limit_storm", count=3)
        ...talk to sim.url...
        assert sim.stats("spotify").violations == 0

or as a foreground server with :func:`serve` (what ``greenroom partners serve`` runs).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from greenroom.errors import UserError
from greenroom.ingest.sources.settings import DEFAULT_SIMULATOR_PORT
from greenroom.synth.partners._wire import SimRequest, SimResponse, json_response
from greenroom.synth.partners.app import PartnerStats, SimulatorApp
from greenroom.synth.partners.config import SimulatorConfig
from greenroom.synth.partners.faults import Fault, FaultKind
from greenroom.synth.partners.world import PartnerWorld

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "greenroom-partner-simulator/0.1"
    timeout = 60  # drop idle keep-alive connections
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        req = SimRequest(
            method=self.command,
            path=url.path,
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            client=self.client_address[0],
        )
        try:
            resp = self.server.app.dispatch(req)
        except Exception as exc:  # a simulator bug must still answer, like a real 500
            resp = json_response(500, {"error": f"simulator failure: {type(exc).__name__}"})
        if self.server.stopping.is_set():
            self.close_connection = True
        self._write(resp)

    def _write(self, resp: SimResponse) -> None:
        try:
            self.send_response(resp.status)
            for name, value in resp.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            self.wfile.write(resp.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a timeout fault)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], app: SimulatorApp, stopping: threading.Event):
        self.app = app
        self.stopping = stopping
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up mid-answer are part of the fault model


class Simulator:
    """The partner simulator over ``world_dir``, served from a background thread."""

    def __init__(
        self,
        world_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        config: SimulatorConfig | None = None,
    ) -> None:
        if host not in LOOPBACK:
            raise UserError(
                f"the partner simulator listens on loopback only, not `{host}`; use 127.0.0.1"
            )
        self.world = PartnerWorld.load(Path(world_dir))
        self.config = config or SimulatorConfig()
        self._stopping = threading.Event()
        self.app = SimulatorApp(self.world, self.config, hold=self._hold)
        self._host, self._port = host, port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def _hold(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    @property
    def url(self) -> str:
        if self._server is None:
            raise UserError("the simulator is not running; call `start()` or use `with`")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Simulator:
        if self._server is None:
            try:
                self._server = _Server((self._host, self._port), self.app, self._stopping)
            except OSError as exc:
                raise UserError(
                    f"cannot listen on `{self._host}:{self._port}` ({exc.strerror}); pick "
                    "another port or stop the process using it"
                ) from None
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="partner-simulator",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._stopping.set()  # wake handlers holding a timeout fault
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = None
            self._thread = None
            self._stopping.clear()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # The Python side of the admin API.
    def inject(self, partner: str, kind: FaultKind, count: int = 1, **options: Any) -> Fault:
        """Queue ``kind`` for the next ``count`` requests to ``partner``."""
        fault = Fault.model_validate({"partner": partner, "kind": kind, "count": count, **options})
        self.app.inject(fault)
        return fault

    def clear_faults(self, partner: str | None = None) -> None:
        self.app.faults.clear(partner)

    def stats(self, partner: str) -> PartnerStats:
        return self.app.stats(partner)

    def reset_stats(self) -> None:
        self.app.reset_stats()

    def add_records(self, feed: str, records: list[dict[str, Any]]) -> int:
        """Add (or replace, by id) records of ``feed`` on the partner side."""
        return self.world.store(feed).upsert(records)


def serve(
    world_dir: Path,
    host: str = "127.0.0.1",
    port: int = DEFAULT_SIMULATOR_PORT,
    *,
    config: SimulatorConfig | None = None,
    on_ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Run the simulator in the foreground until interrupted (Ctrl-C) or ``stop`` is set.

    ``on_ready`` is called with the simulator's URL once it accepts connections.
    """
    sim = Simulator(world_dir, host=host, port=port, config=config).start()
    if on_ready is not None:
        on_ready(sim.url)
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
