"""Polls every configured source when it is due and hands new records to ``deliver``.

Hand-off is exactly-once from the cursor's point of view: a source's cursor advances only after
``deliver`` returned, so a failed delivery is retried (with backoff) and a restart resumes where the
last successful delivery ended. ``deliver`` must therefore return only once the records are durable
(committed to the store, or acknowledged by Kafka with acks=all) and raise otherwise. The one window
left is a crash between ``deliver`` returning and the cursor commit: those records are delivered
again, with the same ids, and the pipeline's duplicate detection recognises them.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from marsad.sources.config import (
    BackoffSettings,
    FeedSourceSpec,
    FullTextSettings,
    SourcesConfig,
    SourceSpec,
)
from marsad.sources.cursor import SourceCursor
from marsad.sources.fetching import HttpFetcher
from marsad.sources.followers import Follower, build_follower
from marsad.sources.fulltext import FullTextFetcher
from marsad.topics.records import RawInput
from marsad.workers import metrics

log = logging.getLogger(__name__)

Deliver = Callable[[list[RawInput]], None]
PollStatus = Literal["delivered", "not_modified", "unchanged", "failed"]


@dataclass(frozen=True, slots=True)
class PollOutcome:
    source: str
    status: PollStatus
    items: int
    next_due_at: float
    error: str | None = None


@dataclass(slots=True)
class SourceHealth:
    source: str
    kind: str
    last_success_at: float | None = None
    last_error: str | None = None
    last_error_at: float | None = None
    items_delivered: int = 0
    consecutive_failures: int = 0
    next_due_at: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, timestamps as ISO-8601 UTC."""
        data = asdict(self)
        for name in ("last_success_at", "last_error_at", "next_due_at"):
            if data[name] is not None:
                data[name] = datetime.fromtimestamp(data[name], UTC).isoformat()
        return data


def backoff_delay(failures: int, settings: BackoffSettings, rng: random.Random) -> float:
    """Seconds to wait after ``failures`` consecutive failures: doubling from ``initial_s``, capped at
    ``max_s``, then drawn from the upper half so that sources failing together spread out."""
    ceiling = min(settings.max_s, settings.initial_s * 2 ** (failures - 1))
    return rng.uniform(ceiling / 2, ceiling)


class SourcePoller:
    def __init__(
        self,
        sources: Sequence[SourceSpec],
        cursor: SourceCursor,
        deliver: Deliver,
        *,
        fetcher: HttpFetcher | None = None,
        fulltext: FullTextFetcher | None = None,
        fulltext_settings: FullTextSettings | None = None,
        backoff: BackoffSettings | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        """``fetcher`` is shared by all feeds (one is made and owned when omitted); ``fulltext`` serves
        the feeds with ``fulltext: true`` (one is made from ``fulltext_settings`` when omitted)."""
        self._fetcher = fetcher or HttpFetcher()
        self._owns_fetcher = fetcher is None
        if fulltext is None and any(isinstance(spec, FeedSourceSpec) and spec.fulltext for spec in sources):
            page_settings = fulltext_settings or FullTextSettings()
            fulltext = FullTextFetcher(
                self._fetcher,
                min_interval_per_domain_s=page_settings.min_interval_per_domain_s,
                max_bytes=page_settings.max_bytes,
            )
        self._followers: list[Follower] = [build_follower(spec, self._fetcher, fulltext) for spec in sources]
        self._cursor = cursor
        self._deliver = deliver
        self._backoff = backoff or BackoffSettings()
        self._clock = clock
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._health = {f.name: SourceHealth(source=f.name, kind=f.kind) for f in self._followers}

    @classmethod
    def from_config(
        cls, config: SourcesConfig, cursor: SourceCursor, deliver: Deliver, *, fetcher: HttpFetcher | None = None
    ) -> SourcePoller:
        return cls(
            config.sources,
            cursor,
            deliver,
            fetcher=fetcher,
            fulltext_settings=config.fulltext,
            backoff=config.backoff,
        )

    def poll_once(self) -> list[PollOutcome]:
        """Poll every source that is due, in configuration order; sources not yet due are skipped."""
        now = self._clock()
        return [self._poll(follower) for follower in self._followers if self._health[follower.name].next_due_at <= now]

    def run(self, stop: threading.Event) -> None:
        """Poll until ``stop`` is set, sleeping until the next source is due."""
        while not stop.is_set():
            self.poll_once()
            stop.wait(self.seconds_until_due())

    def seconds_until_due(self) -> float | None:
        """Seconds until the next source is due (0 when one is due now), None without sources."""
        if not self._followers:
            return None
        with self._lock:
            next_due = min(health.next_due_at for health in self._health.values())
        return max(0.0, next_due - self._clock())

    def health(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {name: health.to_dict() for name, health in self._health.items()}

    def close(self) -> None:
        if self._owns_fetcher:
            self._fetcher.close()

    def _poll(self, follower: Follower) -> PollOutcome:
        started = self._clock()
        timer = time.perf_counter()
        try:
            result = follower.poll(self._cursor)
            if result.records:
                self._deliver(result.records)
            self._cursor.advance(result.advance, now=self._clock())
        except Exception as exc:  # any failure of one source is its own: report, back off, go on with the rest
            return self._failed(follower, started, f"{type(exc).__name__}: {exc}")
        finally:
            metrics.SOURCE_POLL_DURATION.labels(source=follower.name).observe(time.perf_counter() - timer)
        status: PollStatus = "delivered" if result.records else "not_modified" if result.not_modified else "unchanged"
        next_due = started if result.more_pending else started + follower.interval_s
        with self._lock:
            health = self._health[follower.name]
            health.last_success_at = started
            health.items_delivered += len(result.records)
            health.consecutive_failures = 0
            health.next_due_at = next_due
        metrics.SOURCE_ITEMS_DELIVERED.labels(source=follower.name).inc(len(result.records))
        metrics.SOURCE_POLLS.labels(source=follower.name, outcome=status).inc()
        metrics.SOURCE_CONSECUTIVE_FAILURES.labels(source=follower.name).set(0)
        metrics.SOURCE_LAST_SUCCESS.labels(source=follower.name).set(started)
        metrics.SOURCE_NEXT_POLL.labels(source=follower.name).set(next_due)
        return PollOutcome(follower.name, status, len(result.records), next_due)

    def _failed(self, follower: Follower, started: float, error: str) -> PollOutcome:
        with self._lock:
            health = self._health[follower.name]
            health.consecutive_failures += 1
            health.last_error = error
            health.last_error_at = started
            health.next_due_at = started + backoff_delay(health.consecutive_failures, self._backoff, self._rng)
            failures, next_due = health.consecutive_failures, health.next_due_at
        log.warning(
            "source %s failed (%d in a row), retry in %.0f s: %s", follower.name, failures, next_due - started, error
        )
        metrics.SOURCE_POLLS.labels(source=follower.name, outcome="failed").inc()
        metrics.SOURCE_CONSECUTIVE_FAILURES.labels(source=follower.name).set(failures)
        metrics.SOURCE_NEXT_POLL.labels(source=follower.name).set(next_due)
        return PollOutcome(follower.name, "failed", 0, next_due, error)
