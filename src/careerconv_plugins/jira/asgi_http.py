"""Serve an ASGI app over HTTP with the standard library alone, for the webhook receiver.

A small, honest runner: one request per connection, bodies read whole, each
request run to its end on the handler's thread. Enough for Jira's webhooks
(a few per change) without an ASGI server dependency; a site that has one
(uvicorn, the web surface) mounts ``JiraWebhookApp`` there instead.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, MutableMapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

AsgiApp = Callable[..., Coroutine[Any, Any, None]]


def _handler(app: AsgiApp, limit: int) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the app logs what it decided; never a header or a body here

        def _serve(self) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > limit:
                self.send_response(413 if length > limit else 400)
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()
                return
            body = self.rfile.read(length) if length else b""
            path, _, query = self.path.partition("?")
            scope = {
                "type": "http",
                "asgi": {"version": "3.0"},
                "http_version": "1.1",
                "method": self.command,
                "scheme": "http",
                "path": path,
                "raw_path": path.encode("latin-1"),
                "query_string": query.encode("latin-1"),
                "headers": [
                    (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()
                ],
                "client": self.client_address,
                "server": self.server.server_address,
            }
            sent: list[MutableMapping[str, Any]] = []

            async def receive() -> dict[str, Any]:
                return {"type": "http.request", "body": body, "more_body": False}

            async def send(message: MutableMapping[str, Any]) -> None:
                sent.append(message)

            asyncio.run(app(scope, receive, send))
            start = next(m for m in sent if m["type"] == "http.response.start")
            data = b"".join(bytes(m.get("body", b"")) for m in sent if m["type"] == "http.response.body")
            self.send_response(int(start["status"]))
            for name, value in start.get("headers", []):
                if bytes(name).lower() != b"content-length":
                    self.send_header(bytes(name).decode("latin-1"), bytes(value).decode("latin-1"))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            self._serve()

        def do_GET(self) -> None:
            self._serve()

    return Handler


def serve(
    app: AsgiApp, host: str = "127.0.0.1", port: int = 0, limit: int = 1024 * 1024
) -> ThreadingHTTPServer:
    """Start serving ``app`` on ``host:port`` in a background thread; ``server_address`` says
    where (port 0 picks a free one). Stop it with ``shutdown()`` then ``server_close()``."""
    server = ThreadingHTTPServer((host, port), _handler(app, limit))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True).start()
    return server
