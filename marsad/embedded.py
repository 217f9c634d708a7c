"""The embedded runner: the pipeline over the SQLite store, no servers needed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path

from marsad.store import Store
from marsad.topics.records import DeadLetter, EnrichedDocument, RawInput
from marsad.workers import metrics
from marsad.workers.alerting import RulesWatcher, build_notifier
from marsad.workers.build import build_decider, build_discovery, build_enricher, build_expander
from marsad.workers.outcomes import OutcomeCounts, account
from marsad.workers.pipeline import utc_now
from marsad.workers.settings import Settings
from marsad.workers.stages.discovery import learned_entries
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
        self._discovery = build_discovery(settings)
        self._candidates = self.store.name_candidates()
        self._enricher = build_enricher(settings, self._rules.rules, learned_entries(self._candidates.values()))
        self._decider = build_decider(settings, self.store, self._rules.rules)
        self.notifier = build_notifier(settings, lambda: self._rules.by_id)
        self._expander: SpellingExpander | None = None

    def expand(self, query: str) -> str:
        """A search query with the other spellings of the names in it (the learned names' too)."""
        if self._expander is None:
            self._expander = build_expander(self.settings, learned_entries(self._candidates.values()))
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

    def _discover(self, documents: list[EnrichedDocument]) -> None:
        """Name discovery over a stored batch; a newly learned name is tagged and expanded from the next batch on."""
        changed = self._discovery.observe(self._candidates, documents)
        if not changed:
            return
        self.store.write_name_candidates(changed.values())
        newly_learned = any(
            c.learned and not getattr(self._candidates.get(k), "learned", False) for k, c in changed.items()
        )
        self._candidates.update(changed)
        if newly_learned:
            learned = learned_entries(self._candidates.values())
            self._enricher = build_enricher(self.settings, self._rules.rules, learned)
            self._expander = None

    def _ingest_batch(self, batch: list[RawInput], summary: OutcomeCounts) -> None:
        if self._rules.check():
            self._enricher.rules = self._rules.rules
        now = utc_now()
        started = time.perf_counter()
        outcomes = self._enricher.prepare(batch, now)
        prepared_at = time.perf_counter()
        rejected = [outcome for outcome in outcomes if isinstance(outcome, DeadLetter)]
        processed = self._decider.decide_batch([o for o in outcomes if not isinstance(o, DeadLetter)], now)
        decided_at = time.perf_counter()
        self.store.write_batch(processed, rejected)
        self._discover([item.document for item in processed if not item.replay])
        metrics.BATCH_DURATION.labels("prepare").observe(prepared_at - started)
        metrics.BATCH_DURATION.labels("decide").observe(decided_at - prepared_at)
        metrics.BATCH_DURATION.labels("write").observe(time.perf_counter() - decided_at)
        metrics.DEDUP_INDEX_ENTRIES.set(len(self._decider.index))
        summary.add(account(processed, rejected))
        # The embedded mode has no Kafka: the kafka channel is the worker's.
        self.notifier.send(self.notifier.route(processed, time.time()))
        self._store_webhook_letters()
