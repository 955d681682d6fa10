"""A scripted OpenAI-compatible model: a real HTTP server on 127.0.0.1 that replies from a
script and records every request it gets (the HTTP cousin of pydantic-ai's FunctionModel).
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """One canned response: a status, a body (JSON when a dict), and an optional delay."""

    body: dict[str, Any] | str = ""
    status: int = 200
    delay_s: float = 0.0


@dataclass(frozen=True)
class Received:
    """One request the model got."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


def completion(
    content: str | None, *, finish_reason: str = "stop", refusal: str | None = None
) -> dict[str, Any]:
    """A chat-completions response body with one choice."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if refusal is not None:
        message["refusal"] = refusal
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": "scripted",
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


Script = Reply | Callable[[Received], Reply]


@dataclass
class ScriptedModel:
    base_url: str = ""
    requests: list[Received] = field(default_factory=list)
    script: deque[Script] = field(default_factory=deque)
    fallback: Script | None = None
    """Answers once the script is used up; unset, an unscripted request gets a 599."""
    stopping: threading.Event = field(default_factory=threading.Event)

    def reply(self, *replies: Script) -> None:
        self.script.extend(replies)

    def next_reply(self, received: Received) -> Reply:
        self.requests.append(received)
        step = self.script.popleft() if self.script else self.fallback
        if step is None:
            return Reply({"error": "the script has no reply for this request"}, status=599)
        return step(received) if callable(step) else step


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True  # server_close() joins the handler threads: none outlive a test


def _handler(model: ScriptedModel) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                body: Any = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = model.next_reply(Received("POST", self.path, headers, body))
            if reply.delay_s and model.stopping.wait(reply.delay_s):
                return  # the test is over; nobody is listening any more
            data = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
            payload = data.encode()
            kind = "text/plain" if isinstance(reply.body, str) else "application/json"
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serve_scripted_model() -> Iterator[ScriptedModel]:
    """Serve a :class:`ScriptedModel` on an ephemeral port of 127.0.0.1 until exit."""
    model = ScriptedModel()
    server = _Server(("127.0.0.1", 0), _handler(model))
    model.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield model
    finally:
        model.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
