"""A Zipkin collector of the test's own: it takes what the services export
(`POST /api/v2/spans`, Zipkin's v2 JSON) and keeps it, so a test counts exactly the
spans of its own processes (the shared Zipkin also holds every other run's)."""

from __future__ import annotations

import gzip
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from traintrack.devstack.processes import free_port


class SpanSink:
    def __init__(self) -> None:
        self.port = free_port()
        self._spans: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        """What OTEL_EXPORTER_ZIPKIN_ENDPOINT should say."""
        return f"http://127.0.0.1:{self.port}/api/v2/spans"

    def start(self) -> SpanSink:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def take(self) -> list[dict[str, Any]]:
        """The spans received since the last `take`."""
        with self._lock:
            spans, self._spans = self._spans, []
        return spans

    def _keep(self, spans: list[dict[str, Any]]) -> None:
        with self._lock:
            self._spans.extend(spans)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                sink._keep(json.loads(body))
                self.send_response(202)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        return Handler


def traces(spans: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The spans by trace id."""
    found: dict[str, list[dict[str, Any]]] = {}
    for span in spans:
        found.setdefault(span["traceId"], []).append(span)
    return found


def describe(spans: list[dict[str, Any]]) -> str:
    """What the traces are, for a failure message: how many of each (service, first span)."""
    firsts = Counter(
        (trace[0]["localEndpoint"]["serviceName"], min(trace, key=lambda s: s["timestamp"])["name"])
        for trace in traces(spans).values()
    )
    return ", ".join(f"{n}x {service}:{name}" for (service, name), n in firsts.most_common(20))
