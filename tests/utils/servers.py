"""Real HTTP servers for tests: an app under uvicorn, and a firm's webhook receiver."""

from __future__ import annotations

import asyncio
import json
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
