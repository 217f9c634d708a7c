"""Webhook delivery against a real HTTP server on loopback: signature, retries, dead letters, a full queue."""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from marsad.topics.records import DeadLetter
from marsad.workers import metrics
from marsad.workers.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, Delivery, WebhookSender

pytestmark = pytest.mark.integration

SECRET = "s3cret-ترحيب"


@dataclass
class Receiver:
    """A webhook endpoint answering each post with the next scripted status (the last one repeats)."""

    statuses: list[int]
    delay_seconds: float = 0.0
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver([200])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((dict(self.headers), body))
            if state.delay_seconds:
                state.release.wait(state.delay_seconds)
            status = state.statuses[min(len(state.received), len(state.statuses)) - 1]
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state, f"http://127.0.0.1:{server.server_port}/hook?token=abc"
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def registry() -> Iterator[None]:
    previous = metrics.default
    metrics.use(CollectorRegistry())
    yield
    metrics.default = previous


def metric(name: str, **labels: str) -> float:
    return metrics.default.registry.get_sample_value(name, labels) or 0.0


def sender(dead: queue.SimpleQueue[DeadLetter], **overrides: float) -> WebhookSender:
    options = {"timeout_seconds": 2.0, "attempts": 3, "backoff_seconds": 0.01, "queue_size": 10} | overrides
    return WebhookSender(
        secret=SecretStr(SECRET),
        timeout_seconds=float(options["timeout_seconds"]),
        attempts=int(options["attempts"]),
        backoff_seconds=float(options["backoff_seconds"]),
        queue_size=int(options["queue_size"]),
        dead_letter=dead.put,
    )


def body(story: str) -> bytes:
    return json.dumps({"rule": "tartus", "story_id": story, "title": "سفن في طرطوس"}, ensure_ascii=False).encode()


def test_failures_are_retried_and_every_attempt_is_signed(receiver: tuple[Receiver, str]) -> None:
    state, url = receiver
    state.statuses = [500, 503, 204]
    dead: queue.SimpleQueue[DeadLetter] = queue.SimpleQueue()
    webhooks = sender(dead)
    webhooks.submit(Delivery("tartus", url, body("s1"), "tartus:s1"))
    webhooks.close(10.0)
    assert dead.empty()
    assert len(state.received) == 3
    for headers, received in state.received:
        assert received == body("s1")
        expected = hmac.new(SECRET.encode(), received, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers[SIGNATURE_HEADER], f"sha256={expected}")
        assert headers[DELIVERY_HEADER] == "tartus:s1"
        assert headers["Content-Type"].startswith("application/json")
    tampered = received + b" "
    assert headers[SIGNATURE_HEADER] != "sha256=" + hmac.new(SECRET.encode(), tampered, hashlib.sha256).hexdigest()
    assert metric("marsad_webhook_retries_total") == 2
    assert metric("marsad_webhook_deliveries_total") == 1


def test_a_post_that_keeps_failing_is_dead_lettered(receiver: tuple[Receiver, str]) -> None:
    state, url = receiver
    state.statuses = [502]
    dead: queue.SimpleQueue[DeadLetter] = queue.SimpleQueue()
    webhooks = sender(dead, attempts=4)
    webhooks.submit(Delivery("tartus", url, body("s2"), "tartus:s2"))
    webhooks.close(10.0)
    assert len(state.received) == 4
    letter = dead.get_nowait()
    assert letter.stage == "webhook" and letter.payload == body("s2")
    assert letter.position.source == "webhook:tartus"
    assert "HTTP 502" in letter.reason and "token" not in letter.reason  # the host only, not the path's token
    assert metric("marsad_webhook_dead_letters_total", reason="failed") == 1
    assert metric("marsad_webhook_deliveries_total") == 0


def test_a_refusal_is_not_retried(receiver: tuple[Receiver, str]) -> None:
    state, url = receiver
    state.statuses = [400]
    dead: queue.SimpleQueue[DeadLetter] = queue.SimpleQueue()
    webhooks = sender(dead)
    webhooks.submit(Delivery("tartus", url, body("s3"), "tartus:s3"))
    webhooks.close(10.0)
    assert len(state.received) == 1
    assert "refused: HTTP 400" in dead.get_nowait().reason
    assert metric("marsad_webhook_dead_letters_total", reason="refused") == 1


def test_timeouts_and_unreachable_hosts_are_retried_then_dead_lettered(receiver: tuple[Receiver, str]) -> None:
    state, url = receiver
    state.delay_seconds = 5.0  # longer than the timeout
    dead: queue.SimpleQueue[DeadLetter] = queue.SimpleQueue()
    webhooks = sender(dead, timeout_seconds=0.3, attempts=2)
    webhooks.submit(Delivery("tartus", url, body("s4"), "tartus:s4"))
    # Nothing listens on port 9 of loopback (discard): connection refused.
    webhooks.submit(Delivery("hmeimim", "http://127.0.0.1:9/hook", body("s5"), "hmeimim:s5"))
    webhooks.close(10.0)
    letters = {letter.position.source: letter.reason for letter in _drain(dead)}
    assert set(letters) == {"webhook:tartus", "webhook:hmeimim"}
    assert "Timeout" in letters["webhook:tartus"]
    assert len(state.received) == 2
    assert metric("marsad_webhook_dead_letters_total", reason="failed") == 2


def test_a_full_queue_dead_letters_at_once_and_never_blocks(receiver: tuple[Receiver, str]) -> None:
    state, url = receiver
    state.delay_seconds = 30.0  # the first post hangs until released
    dead: queue.SimpleQueue[DeadLetter] = queue.SimpleQueue()
    webhooks = sender(dead, queue_size=2, timeout_seconds=30.0, attempts=1)
    started = time.monotonic()
    for index in range(6):
        webhooks.submit(Delivery("tartus", url, body(f"q{index}"), f"tartus:q{index}"))
    assert time.monotonic() - started < 0.5
    # One post in flight, two waiting: the other three could not be queued (one more if the thread has not
    # yet taken the first from the queue).
    overflow = _drain(dead)
    assert len(overflow) in (3, 4) and all("queue full" in letter.reason for letter in overflow)
    assert metric("marsad_webhook_dead_letters_total", reason="queue_full") == len(overflow)
    state.release.set()
    webhooks.close(10.0)
    assert len(state.received) + len(overflow) == 6 and _drain(dead) == []


def _drain(dead: queue.SimpleQueue[DeadLetter]) -> list[DeadLetter]:
    letters = []
    while not dead.empty():
        letters.append(dead.get_nowait())
    return letters
