"""The embedded runner: the pipeline over the SQLite store, no servers needed."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path

from marsad.store import Store
from marsad.topics.records import Alert, DeadLetter, RawInput
from marsad.workers import metrics
from marsad.workers.build import build_decider, build_enricher
from marsad.workers.pipeline import Processed, utc_now
from marsad.workers.settings import Settings

log = logging.getLogger("marsad.alerts")


@dataclass
class IngestSummary:
    read: int = 0
    indexed: int = 0
    duplicates: int = 0
    rejected: int = 0
    alerts: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _batches(items: Iterable[RawInput], size: int) -> Iterator[list[RawInput]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class EmbeddedPipeline:
    def __init__(self, settings: Settings, store_dir: Path | None = None, rules_path: Path | None = None) -> None:
        self.settings = settings
        self.store = Store(store_dir or settings.store)
        self._enricher = build_enricher(settings, rules_path)
        self._decider = build_decider(
            settings, known=self.store.document, stored_shingles=self.store.shingles, fired=self.store.fired_pairs()
        )
        window = settings.dedup_window_days * 86_400
        self._decider.index.load(self.store.dedup_entries(since=time.time() - window, limit=settings.dedup_max_entries))

    def close(self) -> None:
        self.store.close()

    def ingest(
        self,
        raws: Iterable[RawInput],
        batch_size: int = 128,
        on_batch: Callable[[int], None] | None = None,
    ) -> IngestSummary:
        summary = IngestSummary()
        for batch in _batches(raws, batch_size):
            self._ingest_batch(batch, summary)
            if on_batch is not None:
                on_batch(len(batch))
        return summary

    def deliver(self, batch: list[RawInput]) -> None:
        """For sources: returns only once the batch is safely written (their cursor advances after)."""
        self._ingest_batch(batch, IngestSummary())

    def _ingest_batch(self, batch: list[RawInput], summary: IngestSummary) -> None:
        now = utc_now()
        started = time.perf_counter()
        outcomes = self._enricher.prepare(batch, now)
        prepared_at = time.perf_counter()
        processed: list[Processed] = []
        rejected: list[DeadLetter] = []
        for outcome in outcomes:
            if isinstance(outcome, DeadLetter):
                rejected.append(outcome)
            else:
                processed.append(self._decider.decide(outcome, now))
        decided_at = time.perf_counter()
        self.store.write_batch(processed, rejected)
        metrics.BATCH_DURATION.labels("prepare").observe(prepared_at - started)
        metrics.BATCH_DURATION.labels("decide").observe(decided_at - prepared_at)
        metrics.BATCH_DURATION.labels("write").observe(time.perf_counter() - decided_at)
        metrics.DEDUP_INDEX_ENTRIES.set(len(self._decider.index))
        self._account(processed, rejected, summary)

    def _account(self, processed: list[Processed], rejected: list[DeadLetter], summary: IngestSummary) -> None:
        summary.read += len(processed) + len(rejected)
        summary.indexed += len(processed)
        summary.rejected += len(rejected)
        for letter in rejected:
            metrics.REJECTS.labels(letter.stage).inc()
            metrics.ARTICLES.labels("rejected").inc()
        for item in processed:
            if item.replay:
                metrics.ARTICLES.labels("replay").inc()
                continue
            duplicate = item.document.duplicate_of is not None
            summary.duplicates += duplicate
            metrics.ARTICLES.labels("duplicate" if duplicate else "indexed").inc()
            for entity in item.document.entities:
                metrics.ENTITIES.labels(entity.type).inc()
            for alert in item.fired:
                summary.alerts += 1
                _notify(alert)


def _notify(alert: Alert) -> None:
    metrics.ALERTS_FIRED.labels(alert.rule).inc()
    log.warning(
        "alert %s: story %s, document %s, matched %s",
        alert.rule,
        alert.story_id,
        alert.doc_id,
        "، ".join(alert.matched),
    )
