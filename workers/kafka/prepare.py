"""The prepare agent's work: ``Enricher.prepare`` over a batch of raw records, encoded for the prepared topic.

It runs in ``MARSAD_PREPARE_PROCESSES`` processes beside the worker's own (1 by default): a process runs
Python on one core at a time, and the worker's process already has the event loop, the decide agent and the
Elasticsearch and Kafka clients to run. A batch is split between the processes and its outcomes come back in
order. Each process builds its Enricher once and reloads the rules file when it changes, as the worker does,
and exits when the worker is gone (a SIGKILLed worker cannot stop its pool). With 0, prepare runs in a thread of
the worker's process.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import wait

from marsad.topics.records import DeadLetter, RawInput
from marsad.workers.alerting import RulesWatcher
from marsad.workers.allocator import return_freed_memory
from marsad.workers.build import build_enricher
from marsad.workers.kafka.wire import encode_prepared
from marsad.workers.pipeline import Enricher, iso, utc_now
from marsad.workers.settings import Settings

# Records per Enricher.prepare call: a 500-record call peaked ~80 MB above a 100-record one (the fingerprinting
# arrays of the whole call) and was slower.
CHUNK_RECORDS = 100


@dataclass(frozen=True, slots=True)
class PreparedBatch:
    messages: list[tuple[bytes, bytes]]  # (key, value) for the prepared topic, in input order
    letters: list[DeadLetter]


def prepare_messages(enricher: Enricher, raws: Sequence[RawInput], max_message_bytes: int) -> PreparedBatch:
    """The prepared topic's messages, and the dead letters: a record that fails anywhere, or whose prepared
    message would exceed ``max_message_bytes``, is dead-lettered alone."""
    messages: list[tuple[bytes, bytes]] = []
    letters: list[DeadLetter] = []
    outcomes = (
        pair
        for start in range(0, len(raws), CHUNK_RECORDS)
        for pair in zip(
            raws[start : start + CHUNK_RECORDS],
            enricher.prepare(raws[start : start + CHUNK_RECORDS], utc_now()),
            strict=True,
        )
    )
    for raw, outcome in outcomes:
        if isinstance(outcome, DeadLetter):
            letters.append(outcome)
            continue
        try:
            value = encode_prepared(outcome)
        except Exception as error:  # one record's failure must not cost the batch
            reason = f"cannot encode prepared article: {type(error).__name__}: {error}"
            letters.append(DeadLetter("prepare", reason, raw.payload, raw.position, iso(utc_now())))
            continue
        if len(value) > max_message_bytes:
            reason = (
                f"prepared article too large for Kafka: {len(value)} bytes > {max_message_bytes}"
                " (MARSAD_KAFKA_MAX_MESSAGE_BYTES)"
            )
            letters.append(DeadLetter("prepare", reason, raw.payload, raw.position, iso(utc_now())))
            continue
        messages.append((outcome.article.id.encode("utf-8"), value))
    return PreparedBatch(messages, letters)


class Preparer:
    """``prepare_messages`` in worker processes (or a thread when ``prepare_processes`` is 0)."""

    def __init__(self, settings: Settings, rules: RulesWatcher) -> None:
        self._max_message_bytes = settings.kafka_max_message_bytes
        self._processes = settings.prepare_processes
        self._enricher: Enricher | None = None
        self._pool: ProcessPoolExecutor | None = None
        if self._processes > 0:
            # spawn, not fork: the worker's process has threads (Kafka clients, executors) by the time it forks.
            self._pool = ProcessPoolExecutor(
                self._processes,
                mp_context=get_context("spawn"),
                initializer=_start,
                initargs=(settings,),
            )
            # Started now rather than by the first batch: building an Enricher takes seconds.
            for started in [self._pool.submit(_ready) for _ in range(self._processes)]:
                started.result()
        else:
            self._enricher = build_enricher(settings, rules.rules)

    def reload(self, rules: RulesWatcher) -> None:
        """New rules for the in-thread Enricher; processes watch the rules file themselves."""
        if self._enricher is not None:
            self._enricher.rules = rules.rules

    async def prepare(self, raws: Sequence[RawInput]) -> PreparedBatch:
        if self._pool is None:
            assert self._enricher is not None
            return await asyncio.to_thread(prepare_messages, self._enricher, raws, self._max_message_bytes)
        loop = asyncio.get_running_loop()
        size = -(-len(raws) // self._processes)
        parts = await asyncio.gather(
            *(
                loop.run_in_executor(self._pool, _prepare_here, raws[start : start + size], self._max_message_bytes)
                for start in range(0, len(raws), size)
            )
        )
        return PreparedBatch(
            [message for part in parts for message in part.messages],
            [letter for part in parts for letter in part.letters],
        )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


# The Enricher of a prepare process, built once by ``_start``.
_process_state: tuple[Enricher, RulesWatcher] | None = None


def _start(settings: Settings) -> None:
    global _process_state
    return_freed_memory()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C reaches the whole group: the worker stops us
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), name="exit-with-worker", daemon=True).start()
    rules = RulesWatcher(settings.rules)
    _process_state = (build_enricher(settings, rules.rules), rules)


def _exit_with(worker: int) -> None:
    wait([worker])  # readable once the worker's process has ended, however it ended
    os._exit(1)


def _ready() -> None:
    assert _process_state is not None


def _prepare_here(raws: Sequence[RawInput], max_message_bytes: int) -> PreparedBatch:
    assert _process_state is not None
    enricher, rules = _process_state
    if rules.check():
        enricher.rules = rules.rules
    return prepare_messages(enricher, raws, max_message_bytes)
