"""Where fired alerts go, the same in both run modes, and the rules file reloaded while running.

Channels (a rule's ``channels``, default ``[log, kafka]``):
- always on: the store (embedded) and the ``news-alerts`` index (worker) keep every alert, which is what
  makes an alert fire once per (rule, story) across restarts (the page's live panel reads them there);
- routed per rule: ``log`` (the ``marsad.alerts`` logger), ``kafka`` (the ``alerts`` topic, written by the
  worker; the embedded mode has no Kafka) and ``webhook: URL`` (``workers/webhook.py``).

``realert`` spaces the routed notifications of one rule: an alert inside the period is stored but not sent.
With ``digest``, what was held back is sent as one digest (log and webhooks) once the period is over.
The period runs on the wall clock of this process; it starts afresh after a restart.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from marsad.topics.records import Alert, DeadLetter
from marsad.workers import metrics
from marsad.workers.config import ConfigError
from marsad.workers.pipeline import Processed
from marsad.workers.settings import Settings
from marsad.workers.stages.alerts import AlertRule, Channel, RuleSet, load_rules, webhook_urls
from marsad.workers.webhook import Delivery, WebhookSender

log = logging.getLogger(__name__)
alert_log = logging.getLogger("marsad.alerts")

DIGEST_LIST_LIMIT = 100  # alerts listed in one digest; the count covers them all
DEFAULT_ROUTE: tuple[Channel, ...] = ("log",)  # for an alert whose rule was removed by a reload


# Rules --------------------------------------------------------------------------------------------------


class RulesWatcher:
    """The rules file, reloaded when it changes (``check``, called before each batch). A file that fails to
    load or validate is reported (log and ``marsad_rules_reloads_total{outcome="failed"}``) and the rules in
    force are kept. At start an invalid file is an error: there are no previous rules to keep."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp = self._stat()
        self.rules = RuleSet(load_rules(path))
        self.by_id = {rule.id: rule for rule in self.rules.rules}
        metrics.RULES_LOADED.set(len(self.rules.rules))

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size, stat.st_ino

    def check(self) -> bool:
        """True when new rules were loaded."""
        stamp = self._stat()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        try:
            rules = load_rules(self.path)
        except ConfigError as error:
            metrics.RULES_RELOADS.labels("failed").inc()
            log.error("alert rules not reloaded, the %d rules in force are kept: %s", len(self.rules.rules), error)
            return False
        self.rules = RuleSet(rules)
        self.by_id = {rule.id: rule for rule in rules}
        metrics.RULES_RELOADS.labels("loaded").inc()
        metrics.RULES_LOADED.set(len(rules))
        log.info("alert rules reloaded from %s: %d rules", self.path, len(rules))
        return True


# Notifications ------------------------------------------------------------------------------------------


class Deliverer(Protocol):
    def submit(self, delivery: Delivery) -> None: ...

    def close(self, timeout_seconds: float) -> None: ...


@dataclass
class _Held:
    events: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0


@dataclass(frozen=True, slots=True)
class Notice:
    """A fired alert that its rule's ``realert`` lets through, and where it goes."""

    alert: Alert
    event: dict[str, Any]  # the webhook body
    channels: tuple[Channel, ...]

    @property
    def to_kafka(self) -> bool:
        return "kafka" in self.channels


class Notifier:
    """Sends stored alerts to their rule's channels, with realert and digests. Thread-safe.

    ``route`` decides (realert) before the alerts topic is written; ``send`` logs and posts once the batch is
    stored. Webhooks that could not be delivered come back from ``dead_letters``."""

    def __init__(
        self,
        rules: Callable[[], Mapping[str, AlertRule]],
        story_url: Callable[[str], str],
        webhooks: Deliverer,
        dead_letters: queue.SimpleQueue[DeadLetter],
    ) -> None:
        self._rules = rules
        self._story_url = story_url
        self._webhooks = webhooks
        self._dead_letters = dead_letters
        self._lock = threading.Lock()
        self._last_sent: dict[str, float] = {}
        self._held: dict[str, _Held] = {}
        self._stop = threading.Event()
        self._clock: threading.Thread | None = None

    def route(self, processed: Sequence[Processed], now: float) -> list[Notice]:
        notices = []
        for item in processed:
            for alert in item.fired:
                event = alert_event(alert, item, self._story_url(alert.story_id))
                if self._admit(alert.rule, event, now):
                    rule = self._rules().get(alert.rule)
                    notice = Notice(alert, event, rule.channels if rule is not None else DEFAULT_ROUTE)
                    if notice.to_kafka:
                        metrics.ALERT_NOTIFICATIONS.labels(alert.rule, "kafka").inc()
                    notices.append(notice)
        return notices

    def send(self, notices: Sequence[Notice]) -> None:
        for notice in notices:
            alert = notice.alert
            if "log" in notice.channels:
                metrics.ALERT_NOTIFICATIONS.labels(alert.rule, "log").inc()
                alert_log.warning(
                    "alert %s: story %s, document %s, matched %s",
                    alert.rule,
                    alert.story_id,
                    alert.doc_id,
                    "، ".join(alert.matched),
                )
            body = _json(notice.event)
            for url in webhook_urls(notice.channels):
                metrics.ALERT_NOTIFICATIONS.labels(alert.rule, "webhook").inc()
                self._webhooks.submit(Delivery(alert.rule, url, body, f"{alert.rule}:{alert.story_id}"))

    def dead_letters(self) -> list[DeadLetter]:
        """The webhook posts given up since the last call (stage ``webhook``), for the dead-letter stream."""
        letters = []
        while not self._dead_letters.empty():
            letters.append(self._dead_letters.get_nowait())
        return letters

    def _admit(self, rule_id: str, event: dict[str, Any], now: float) -> bool:
        rule = self._rules().get(rule_id)
        if rule is None or rule.realert is None:
            return True
        with self._lock:
            last = self._last_sent.get(rule_id)
            if last is None or now - last >= rule.realert.total_seconds():
                self._last_sent[rule_id] = now
                self._send_digest(rule, now)
                return True
            metrics.ALERTS_HELD.labels(rule_id).inc()
            if rule.digest:
                held = self._held.setdefault(rule_id, _Held())
                held.count += 1
                if len(held.events) < DIGEST_LIST_LIMIT:
                    held.events.append(event)
                self._start_clock()
            return False

    def flush_digests(self, now: float) -> None:
        """Sends the digests whose rule's realert period is over."""
        with self._lock:
            rules = self._rules()
            for rule_id in list(self._held):
                rule = rules.get(rule_id)
                if rule is None or rule.realert is None:
                    del self._held[rule_id]  # the rule was removed or changed: nothing to space any more
                elif now - self._last_sent.get(rule_id, now) >= rule.realert.total_seconds():
                    self._last_sent[rule_id] = now
                    self._send_digest(rule, now)

    def _send_digest(self, rule: AlertRule, now: float) -> None:
        held = self._held.pop(rule.id, None)
        if held is None:
            return
        digest = {
            "digest": True,
            "rule": rule.id,
            "held": held.count,
            "first_fired_at": held.events[0]["fired_at"],
            "last_fired_at": held.events[-1]["fired_at"],
            "alerts": held.events,
        }
        if "log" in rule.channels:
            metrics.ALERT_NOTIFICATIONS.labels(rule.id, "log").inc()
            alert_log.warning(
                "alert digest %s: %d alerts held back since %s, stories %s",
                rule.id,
                held.count,
                digest["first_fired_at"],
                ", ".join(dict.fromkeys(event["story_id"] for event in held.events)),
            )
        body = _json(digest)
        for url in webhook_urls(rule.channels):
            metrics.ALERT_NOTIFICATIONS.labels(rule.id, "webhook").inc()
            self._webhooks.submit(Delivery(rule.id, url, body, f"digest:{rule.id}:{now:.3f}"))

    def _start_clock(self) -> None:
        """A thread that sends due digests even when no further alert comes; started by the first held one."""
        if self._clock is None:
            self._clock = threading.Thread(target=self._tick, name="alert-digests", daemon=True)
            self._clock.start()

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            self.flush_digests(time.time())

    def close(self, timeout_seconds: float) -> None:
        """Stops the digest clock, sends the digests still held (their period cut short) and gives queued
        webhooks up to ``timeout_seconds``."""
        self._stop.set()
        if self._clock is not None:
            self._clock.join()
        with self._lock:
            rules = self._rules()
            for rule_id in list(self._held):
                if (rule := rules.get(rule_id)) is not None:
                    self._send_digest(rule, time.time())
        self._webhooks.close(timeout_seconds)


def alert_event(alert: Alert, item: Processed, story_url: str) -> dict[str, Any]:
    """The alert record (docs/interfaces.md §3) plus the document's title, source and url and a link to the story."""
    document = item.document
    return alert.to_dict() | {
        "title": document.title,
        "source": document.source,
        "url": document.url,
        "story_url": story_url,
    }


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def build_notifier(
    settings: Settings,
    rules: Callable[[], Mapping[str, AlertRule]],
) -> Notifier:
    base = (settings.public_url or f"http://{settings.http_host}:{settings.http_port}").rstrip("/")
    dead_letters: queue.SimpleQueue[DeadLetter] = queue.SimpleQueue()
    webhooks = WebhookSender(
        secret=settings.webhook_secret,
        timeout_seconds=settings.webhook_timeout_seconds,
        attempts=settings.webhook_attempts,
        backoff_seconds=settings.webhook_backoff_seconds,
        queue_size=settings.webhook_queue_size,
        dead_letter=dead_letters.put,
    )
    return Notifier(rules, lambda story_id: f"{base}/story/{quote(story_id, safe='')}", webhooks, dead_letters)
