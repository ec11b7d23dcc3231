"""Real HTTP servers for tests: an app under uvicorn, and a firm's webhook receiver."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import uvicorn
from standardwebhooks import Webhook, WebhookVerificationError

from tests.utils.platform import eventually
from traintrack.devstack.processes import free_port


@asynccontextmanager
async def serve(app: Any) -> AsyncIterator[str]:
    """Run the ASGI app (with its lifespan) on a free port; its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    await eventually(lambda: asyncio.sleep(0, server.started), timeout=30, interval=0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class WebhookReceiver:
    """What a firm runs: verifies each delivery as Standard Webhooks with the
    `standardwebhooks` package (its `secret`; `also` are other secrets each delivery is
    tried with, for the record), answers 500 to the first `fail_first` deliveries, and
    keeps the entries it accepted."""

    def __init__(
        self, secret: str = "", fail_first: int = 0, port: int = 0, also: tuple[str, ...] = ()
    ) -> None:
        self.secret = secret
        self.also = also
        self.fail_first = fail_first
        self.calls: list[dict[str, Any]] = []
        self.accepted: list[dict[str, Any]] = []
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.handle(self, body)

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/traintrack"
        self.lock = threading.Lock()

    @staticmethod
    def verifies(secret: str, body: bytes, headers: dict[str, str]) -> bool:
        try:
            Webhook(secret).verify(body, headers)
        except WebhookVerificationError:
            return False
        return True

    def handle(self, request: BaseHTTPRequestHandler, body: bytes) -> None:
        headers = dict(request.headers.items())
        signed = self.verifies(self.secret, body, headers)
        with self.lock:
            self.calls.append(
                {
                    "signed": signed,
                    "verified_by": [s for s in self.also if self.verifies(s, body, headers)],
                    "id": request.headers["webhook-id"],
                    "host": request.headers["Host"],
                    "signatures": request.headers["webhook-signature"].split(" "),
                }
            )
            if not signed:
                self.bad_signatures += 1
                status = 401
            elif len(self.calls) <= self.fail_first:
                status = 500
            else:
                self.accepted.extend(json.loads(body)["entries"])
                status = 204
        request.send_response(status)
        request.end_headers()

    def __enter__(self) -> WebhookReceiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class CountingListener:
    """A loopback listener on one port over IPv4 and IPv6 that counts every connection
    made to it (a request or not) and answers 204: what an inward webhook would reach."""

    def __init__(self) -> None:
        self.connections = 0
        self.lock = threading.Lock()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self) -> None:
                self.send_response(204)
                self.end_headers()

            do_GET = do_POST = do_PUT = answer

            def log_message(self, *_: object) -> None:
                pass

        class Counting(ThreadingHTTPServer):
            def verify_request(self, *_: object) -> bool:
                with listener.lock:
                    listener.connections += 1
                return True

        class CountingV6(Counting):
            address_family = socket.AF_INET6

        self.servers = [Counting(("127.0.0.1", 0), Handler)]
        self.port = self.servers[0].server_address[1]
        self.servers.append(CountingV6(("::1", self.port), Handler))

    def __enter__(self) -> CountingListener:
        for server in self.servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()
