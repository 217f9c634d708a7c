"""``marsad run`` and ``marsad serve``: the pipeline, the sources and the HTTP server (``marsad.http``) wired up.

``marsad run`` follows the configured sources into the embedded store in the main thread while uvicorn serves
the page and the API from another; one lock serializes the store, which the poller, the push endpoint and the
readers share. ``marsad serve`` serves the same page and API over Elasticsearch, read-only.
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from marsad.embedded import EmbeddedPipeline
from marsad.http.app import PushResult, create_app
from marsad.http.events import AlertHub
from marsad.search.backend import EmbeddedBackend
from marsad.sources.config import load_sources_config
from marsad.sources.cursor import SourceCursor
from marsad.sources.poller import SourcePoller
from marsad.sources.push import raw_inputs_from_push
from marsad.topics.records import DeadLetter, RawInput
from marsad.workers.outcomes import OutcomeCounts
from marsad.workers.pipeline import iso, utc_now
from marsad.workers.settings import Settings

log = logging.getLogger("marsad.run")


class Service:
    """The running pipeline, its sources and what the HTTP side reads, behind one lock."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pipeline = EmbeddedPipeline(settings)
        self.lock = threading.Lock()
        self.hub = AlertHub()
        self.backend = EmbeddedBackend(self.pipeline.store, self.lock, self.pipeline.expand)
        config = load_sources_config(settings.sources)
        self.poller = SourcePoller.from_config(
            config, SourceCursor.open(Path(settings.store) / "sources.db", config.seen_items), self.deliver
        )

    def deliver(self, batch: list[RawInput]) -> None:
        self._ingest(batch)

    def _ingest(self, batch: list[RawInput]) -> OutcomeCounts:
        with self.lock:
            counts = self.pipeline.ingest(batch)
        if counts.alerts:
            self.hub.publish()
        return counts

    def push(self, body: bytes, source: str) -> PushResult:
        """A pushed body, record by record: a record that breaks the pipeline is dead-lettered on its own."""
        records = raw_inputs_from_push(body, source=source)
        counts = OutcomeCounts()
        try:
            counts.add(self._ingest(records))
        except Exception:
            log.exception("a pushed batch failed; retrying its %d records one by one", len(records))
            for record in records:
                counts.add(self._ingest_alone(record))
        return PushResult(read=counts.read, accepted=counts.indexed, rejected=counts.rejected)

    def _ingest_alone(self, record: RawInput) -> OutcomeCounts:
        try:
            return self._ingest([record])
        except Exception as error:
            reason = f"{type(error).__name__}: {error}"[:500]
            letter = DeadLetter("push", reason, record.payload, record.position, rejected_at=iso(utc_now()))
            with self.lock:
                self.pipeline.store.write_batch([], [letter])
            return OutcomeCounts(read=1, rejected=1)

    def app(self) -> FastAPI:
        return create_app(self.backend, self.settings, hub=self.hub, push=self.push, sources=self.poller.health)

    def close(self) -> None:
        self.poller.close()
        self.pipeline.close()


def _server(app: FastAPI, settings: Settings) -> uvicorn.Server:
    # The default listen backlog (2048) and no concurrency cap: hundreds of clients at once are queued, not reset.
    return uvicorn.Server(
        uvicorn.Config(
            app,
            host=settings.http_host,
            port=settings.http_port,
            log_level="warning",
            timeout_graceful_shutdown=5,
        )
    )


def _stop_on_signals(stop: threading.Event) -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())


def _serving(server: uvicorn.Server) -> threading.Thread:
    # In a thread of its own, uvicorn installs no signal handlers: the runner stops it with handle_exit, which
    # also ends the open alert streams.
    thread = threading.Thread(target=server.run, name="http")
    thread.start()
    return thread


def run_embedded(settings: Settings, once: bool = False) -> int:
    service = Service(settings)
    stop = threading.Event()
    try:
        if once:
            service.poller.poll_once()
            return 0
        server = _server(service.app(), settings)
        http = _serving(server)
        _stop_on_signals(stop)
        print(f"marsad: serving http://{settings.http_host}:{settings.http_port}/ — store {settings.store}", flush=True)
        service.poller.run(stop)
        server.handle_exit(signal.SIGTERM, None)
        http.join()
        return 0
    finally:
        service.close()


def run_serve(settings: Settings) -> int:
    """The page and the API over Elasticsearch (distributed mode), until SIGINT or SIGTERM."""
    from marsad.workers.elastic.reader import ElasticBackend

    server = _server(create_app(ElasticBackend(settings), settings, hub=AlertHub()), settings)
    stop = threading.Event()
    http = _serving(server)
    _stop_on_signals(stop)
    print(f"marsad: serving http://{settings.http_host}:{settings.http_port}/ — Elasticsearch", flush=True)
    while not stop.wait(0.5) and http.is_alive():
        pass
    server.handle_exit(signal.SIGTERM, None)
    http.join()
    return 0
