"""Webhook delivery of alerts: signed JSON posts sent by a background thread, so ingestion never waits.

- Signature: ``X-Marsad-Signature: sha256=<hex HMAC-SHA256 of the body>`` keyed by ``MARSAD_WEBHOOK_SECRET``
  (no header when unset). ``X-Marsad-Delivery`` names what is delivered (``rule:story_id``, or
  ``digest:rule:time``): the same for every attempt, so a receiver can drop repeats.
- Retries: connection errors, timeouts and 408/425/429/5xx statuses, up to ``MARSAD_WEBHOOK_ATTEMPTS``
  attempts with exponential backoff (urllib3's ``Retry``); other statuses are refused at once.
- A post given up becomes a dead letter (stage ``webhook``) and counts in ``marsad_webhook_dead_letters_total``.
- The queue is bounded (``MARSAD_WEBHOOK_QUEUE_SIZE``): when it is full a new post is dead-lettered at once
  (reason ``queue_full``) rather than block the pipeline or grow without limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import urllib3
from pydantic import SecretStr
from urllib3.util.retry import Retry

from marsad.topics.records import DeadLetter, SourcePosition
from marsad.workers import metrics

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Marsad-Signature"
DELIVERY_HEADER = "X-Marsad-Delivery"
RETRIED_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class Delivery:
    rule: str
    url: str
    body: bytes
    key: str  # what is delivered, the same on every attempt


def signature(secret: SecretStr, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.get_secret_value().encode("utf-8"), body, hashlib.sha256).hexdigest()


class WebhookSender:
    def __init__(
        self,
        *,
        secret: SecretStr | None,
        timeout_seconds: float,
        attempts: int,
        backoff_seconds: float,
        queue_size: int,
        dead_letter: Callable[[DeadLetter], None],
    ) -> None:
        """``dead_letter`` is called from the sender's thread."""
        self._secret = secret
        self._dead_letter = dead_letter
        self._retry = Retry(
            total=attempts - 1,
            backoff_factor=backoff_seconds,
            status_forcelist=RETRIED_STATUSES,
            allowed_methods=None,  # POST too: deliveries carry a key for receivers to drop repeats
            raise_on_status=False,
            respect_retry_after_header=False,  # a server's Retry-After could hold the queue for hours
            redirect=0,
        )
        self._http = urllib3.PoolManager(timeout=urllib3.Timeout(total=timeout_seconds))
        self._queue: queue.Queue[Delivery | None] = queue.Queue(queue_size)
        self._thread = threading.Thread(target=self._run, name="webhooks", daemon=True)
        self._thread.start()

    def submit(self, delivery: Delivery) -> None:
        """Never blocks: a full queue dead-letters the delivery."""
        try:
            self._queue.put_nowait(delivery)
        except queue.Full:
            self._give_up(delivery, "queue_full", f"queue full ({self._queue.maxsize} posts waiting)")
        metrics.WEBHOOK_QUEUE.set(self._queue.qsize())

    def close(self, timeout_seconds: float) -> None:
        """Sends what is queued for up to ``timeout_seconds``; posts still queued then are dead-lettered."""
        deadline = time.monotonic() + timeout_seconds
        with contextlib.suppress(queue.Full):
            self._queue.put(None, timeout=timeout_seconds)
        self._thread.join(max(0.0, deadline - time.monotonic()))
        while True:
            try:
                left = self._queue.get_nowait()
            except queue.Empty:
                break
            if left is not None:
                self._give_up(left, "failed", "not sent before shutdown")

    def _run(self) -> None:
        while (delivery := self._queue.get()) is not None:
            metrics.WEBHOOK_QUEUE.set(self._queue.qsize())
            try:
                self._post(delivery)
            except Exception as error:  # a bug in one post must not stop the deliveries after it
                log.exception("webhook post for rule %s failed unexpectedly", delivery.rule)
                self._give_up(delivery, "failed", f"unexpected {type(error).__name__}: {error}")

    def _post(self, delivery: Delivery) -> None:
        headers = {"Content-Type": "application/json; charset=utf-8", DELIVERY_HEADER: delivery.key}
        if self._secret is not None:
            headers[SIGNATURE_HEADER] = signature(self._secret, delivery.body)
        try:
            response = self._http.request(
                "POST", delivery.url, body=delivery.body, headers=headers, retries=self._retry
            )
        except urllib3.exceptions.MaxRetryError as error:
            metrics.WEBHOOK_RETRIES.inc(self._retry.total or 0)
            self._give_up(delivery, "failed", f"{type(error.reason).__name__}: {error.reason}")
            return
        except urllib3.exceptions.HTTPError as error:  # e.g. an invalid URL: retrying cannot help
            self._give_up(delivery, "refused", f"{type(error).__name__}: {error}")
            return
        retries = response.retries
        metrics.WEBHOOK_RETRIES.inc(len(retries.history) if retries is not None else 0)
        if 200 <= response.status < 300:
            metrics.WEBHOOK_DELIVERIES.inc()
        elif response.status in RETRIED_STATUSES:
            self._give_up(delivery, "failed", f"HTTP {response.status}")
        else:
            self._give_up(delivery, "refused", f"HTTP {response.status}")

    def _give_up(self, delivery: Delivery, reason: str, detail: str) -> None:
        metrics.WEBHOOK_DEAD_LETTERS.labels(reason).inc()
        # The host only: webhook paths often carry a token.
        where = urlsplit(delivery.url).netloc
        log.error("webhook for rule %s to %s dead-lettered: %s", delivery.rule, where, detail)
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        self._dead_letter(
            DeadLetter(
                "webhook",
                f"webhook to {where} {reason}: {detail}",
                delivery.body,
                SourcePosition(source=f"webhook:{delivery.rule}"),
                now,
            )
        )
