"""The embedded runner: the pipeline over the SQLite store, no servers needed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path

from marsad.store import Store
from marsad.topics.records import DeadLetter, RawInput
from marsad.workers import metrics
from marsad.workers.alerting import RulesWatcher, build_notifier
from marsad.workers.build import build_decider, build_enricher, build_expander, build_learner
from marsad.workers.outcomes import OutcomeCounts, account
from marsad.workers.pipeline import utc_now
from marsad.workers.settings import Settings
from marsad.workers.stages.variants import SpellingExpander


def _batches(items: Iterable[RawInput], size: int) -> Iterator[list[RawInput]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class EmbeddedPipeline:
    def __init__(self, settings: Settings, store_dir: Path | None = None, rules_path: Path | None = None) -> None:
        self.settings = settings
        self.store = Store(store_dir or settings.store)
        self._rules = RulesWatcher(rules_path or settings.rules)
        self._enricher = build_enricher(settings, self._rules.rules)
        self._learner = build_learner(settings, self.store.name_candidates())
        self._decider = build_decider(settings, self.store, self._rules.rules)
        self.notifier = build_notifier(settings, lambda: self._rules.by_id)
        self._expander: SpellingExpander | None = None

    def expand(self, query: str) -> str:
        """A search query with the other spellings of the names in it (the learned names' too)."""
        if self._expander is None:
            self._expander = build_expander(self.settings, self._learner.learned())
        return self._expander.expand(query)

    def close(self) -> None:
        """Gives queued webhooks one attempt's timeout to go out; what is left is dead-lettered."""
        self.notifier.close(self.settings.webhook_timeout_seconds)
        self._store_webhook_letters()
        self.store.close()

    def _store_webhook_letters(self) -> None:
        """Written by the ingesting thread: the store is not shared with the webhook thread."""
        if letters := self.notifier.dead_letters():
            self.store.write_batch([], letters)

    def ingest(
        self,
        raws: Iterable[RawInput],
        batch_size: int = 128,
        on_batch: Callable[[int], None] | None = None,
    ) -> OutcomeCounts:
        summary = OutcomeCounts()
        for batch in _batches(raws, batch_size):
            self._ingest_batch(batch, summary)
            if on_batch is not None:
                on_batch(len(batch))
        return summary

    def deliver(self, batch: list[RawInput]) -> None:
        """For sources: returns only once the batch is safely written (their cursor advances after)."""
        self._ingest_batch(batch, OutcomeCounts())

    def _ingest_batch(self, batch: list[RawInput], summary: OutcomeCounts) -> None:
        if self._rules.check():
            self._enricher.rules = self._rules.rules
        now = utc_now()
        started = time.perf_counter()
        outcomes = self._enricher.prepare(batch, now)
        prepared_at = time.perf_counter()
        rejected = [outcome for outcome in outcomes if isinstance(outcome, DeadLetter)]
        decided = self._decider.decide_batch([o for o in outcomes if not isinstance(o, DeadLetter)], now)
        learning = self._learner.learn(decided, self.store, self._decider.index.ids())
        processed = learning.processed
        if any(candidate.learned for candidate in learning.changed):
            self._expander = None
        decided_at = time.perf_counter()
        self.store.write_batch(processed, rejected, learning.retagged, learning.changed)
        metrics.BATCH_DURATION.labels("prepare").observe(prepared_at - started)
        metrics.BATCH_DURATION.labels("decide").observe(decided_at - prepared_at)
        metrics.BATCH_DURATION.labels("write").observe(time.perf_counter() - decided_at)
        metrics.DEDUP_INDEX_ENTRIES.set(len(self._decider.index))
        summary.add(account(processed, rejected))
        # The embedded mode has no Kafka: the kafka channel is the worker's.
        self.notifier.send(self.notifier.route(processed, time.time()))
        self._store_webhook_letters()
