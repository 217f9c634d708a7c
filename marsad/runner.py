"""``marsad run``: follow the configured sources into the embedded store and serve search, API and metrics.

The HTTP side is the standard library's ``ThreadingHTTPServer``: a handful of read-only JSON routes, one push
route and a single search page do not justify a web framework. Store access is serialized by one lock,
since the poller thread and the request threads share one SQLite connection.
"""

from __future__ import annotations

import html
import json
import logging
import signal
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from marsad.embedded import EmbeddedPipeline
from marsad.sources.config import load_sources_config
from marsad.sources.cursor import SourceCursor
from marsad.sources.poller import SourcePoller
from marsad.sources.push import raw_inputs_from_push
from marsad.topics.records import RawInput
from marsad.workers.settings import Settings

log = logging.getLogger("marsad.run")
MAX_PUSH_BYTES = 20_000_000


class Service:
    """The running pipeline, its sources and the reads the HTTP API serves, behind one lock."""

    def __init__(self, settings: Settings) -> None:
        self.pipeline = EmbeddedPipeline(settings)
        self.lock = threading.Lock()
        config = load_sources_config(settings.sources)
        self.poller = SourcePoller.from_config(
            config, SourceCursor.open(Path(settings.store) / "sources.db", config.seen_items), self.deliver
        )

    def deliver(self, batch: list[RawInput]) -> None:
        with self.lock:
            self.pipeline.deliver(batch)

    def search(self, query: str, limit: int) -> list[dict[str, Any]]:
        with self.lock:
            results = self.pipeline.store.search(query, limit)
        return [result.to_dict() for result in results]

    def alerts(self) -> list[dict[str, Any]]:
        with self.lock:
            return [alert.to_dict() for alert in self.pipeline.store.alerts()]

    def close(self) -> None:
        self.poller.close()
        self.pipeline.close()


PAGE = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>مرصد — بحث</title>
<style>body{{font-family:sans-serif;max-width:52rem;margin:2rem auto;line-height:1.6}}mark{{background:#ffe066}}
.hit{{margin:1.2rem 0}}.meta{{color:#666;font-size:.85rem}}</style></head><body>
<h1>مرصد</h1><form><input name="q" value="{query}" size="40" autofocus> <button>ابحث</button></form>{results}
</body></html>"""


def render_page(query: str, hits: list[dict[str, Any]]) -> str:
    items = "".join(
        f'<div class="hit"><b>{html.escape(hit["title"] or hit["id"])}</b>'
        f'<div class="meta">{html.escape(hit["source"] or "")} · {html.escape(hit["id"])}</div>'
        # Snippets are built from escaped text plus <mark> tags (marsad.search.fts).
        f"<div>{hit['snippet']}</div></div>"
        for hit in hits
    )
    if query and not hits:
        items = "<p>لا نتائج</p>"
    return PAGE.format(query=html.escape(query), results=items)


def make_handler(service: Service) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, value: Any, status: int = HTTPStatus.OK) -> None:
            self._send(status, json.dumps(value, ensure_ascii=False).encode(), "application/json; charset=utf-8")

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            params = parse_qs(url.query)
            query = params.get("q", [""])[0]
            limit = int(params.get("limit", ["10"])[0]) if params.get("limit", ["10"])[0].isdigit() else 10
            if url.path == "/":
                hits = service.search(query, limit) if query.strip() else []
                self._send(HTTPStatus.OK, render_page(query, hits).encode(), "text/html; charset=utf-8")
            elif url.path == "/api/search":
                self._json(service.search(query, limit) if query.strip() else [])
            elif url.path == "/api/alerts":
                self._json(service.alerts())
            elif url.path == "/api/sources":
                self._json(service.poller.health())
            elif url.path == "/metrics":
                self._send(HTTPStatus.OK, generate_latest(), CONTENT_TYPE_LATEST)
            elif url.path == "/healthz":
                self._json({"status": "ok"})
            else:
                self._json({"error": "not found"}, HTTPStatus.NOT_FOUND)

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/api/articles":
                self._json({"error": "not found"}, HTTPStatus.NOT_FOUND)
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_PUSH_BYTES:
                self._json({"error": f"body over {MAX_PUSH_BYTES} bytes"}, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
                return
            records = raw_inputs_from_push(self.rfile.read(length), source=f"push:{self.client_address[0]}")
            service.deliver(records)
            self._json({"accepted": len(records)}, HTTPStatus.ACCEPTED)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s " + format, self.client_address[0], *args)

    return Handler


def run_embedded(settings: Settings, once: bool = False) -> int:
    service = Service(settings)
    stop = threading.Event()
    try:
        if once:
            service.poller.poll_once()
            return 0
        server = ThreadingHTTPServer((settings.http_host, settings.http_port), make_handler(service))
        threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        print(f"marsad: serving http://{settings.http_host}:{server.server_port}/ — store {settings.store}", flush=True)
        service.poller.run(stop)
        server.shutdown()
        return 0
    finally:
        service.close()
