"""The decide agent's commit sequence: what a decided batch writes, in which order, and when it is acked.

A ``CommitSequence`` is a list of named steps run in order over one ``CommitBatch``, each waiting until the
previous one is acknowledged; a step that raises stops the sequence, so the batch is never acked and Kafka
redelivers it. The worker's steps (``worker_sequence``):

1. ``documents``: the new documents to Elasticsearch (in concurrent requests), then the stored documents the
   batch's decisions corrected or a name learned now named (``workers/learning.py``); each one it refuses for
   good becomes a dead letter;
2. ``topics``: enriched documents, fired alerts and dead letters to Kafka, waiting until delivered;
3. ``alerts``: the fired alerts to Elasticsearch, created under ``rule:story_id`` (never stored twice);
4. ``mark``: the batch's commit mark, one small document: the decider's lookup of already-processed documents
   (``ElasticWriter.known_documents``) returns only documents whose batch is marked (each document carries its
   dedup state and its batch's id, written by ``documents``); name discovery's changed candidates go with it;
5. ``acks``: the batch's events, whose offsets Faust may then commit;
6. ``notify``: each alert its rule's ``realert`` let through (decided by ``route``, right after ``documents``)
   to its log and webhook channels (``workers/alerting.py``);
7. ``account``: metrics.

Why this order: a batch stopped anywhere before ``mark`` (SIGKILL, SIGTERM while Elasticsearch is down) is
redelivered and decided again as new, not as a replay, so what was not done is done then: the alerts go to
the topic and the index (the index keeps one per (rule, story); the topic may repeat one that was sent but
not yet stored), and documents are rewritten under the same ids. Alerts reach the topic before the index
because a rebuilt decider counts a (rule, story) in the index as fired. The mark is a request of its own, sent
once the alerts are acknowledged: a bulk request is not atomic (its items are applied shard by shard, and some
may fail while others succeed), so a mark sent with the alerts or the documents could be stored while an alert
is still being retried, and a crash then would lose that alert.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from marsad.topics.definitions import ALERTS, DLQ, ENRICHED, TopicSpec
from marsad.topics.records import DeadLetter, SourcePosition
from marsad.workers import freshness, metrics
from marsad.workers.alerting import Notice
from marsad.workers.elastic.writer import Refused
from marsad.workers.kafka.wire import encode_dead_letter
from marsad.workers.outcomes import account
from marsad.workers.pipeline import AlertKey, Processed, iso, utc_now


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A new document's Kafka messages: the enriched document and the alerts it fired."""

    doc_id: str
    enriched: bytes
    alerts: tuple[tuple[AlertKey, bytes], ...]


@dataclass(frozen=True, slots=True)
class Decided:
    """A decided batch, with everything it has to write already encoded."""

    processed: list[Processed]
    document_actions: list[dict[str, Any]]  # distinct ids: written in concurrent requests
    alert_actions: list[dict[str, Any]]
    mark_actions: list[dict[str, Any]]  # the batch's commit mark (none when it wrote no document), learned names
    messages: list[Outgoing]
    dead_letters: list[DeadLetter] = field(default_factory=list)  # records the decide step could not use
    correction_actions: list[dict[str, Any]] = field(default_factory=list)  # after the documents they may correct
    appended_at: Mapping[str, float] = field(default_factory=dict)  # article id -> its raw record's append time


@dataclass(slots=True)
class CommitBatch:
    """One decided batch on its way through the sequence: what the steps read, and what they add."""

    decided: Decided
    positions: Mapping[str, SourcePosition]  # document id -> its prepared event, for dead letters
    ack: Callable[[], Awaitable[None]]
    refused: list[Refused] = field(default_factory=list)  # documents Elasticsearch refused for good
    dead_letters: list[DeadLetter] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)  # fired alerts that realert lets through

    def __post_init__(self) -> None:
        self.dead_letters.extend(self.decided.dead_letters)


Step = Callable[[CommitBatch], Awaitable[None]]


class CommitSequence:
    """Named steps run in order over a batch; the first failure stops it (the batch stays unacked)."""

    def __init__(self, steps: Sequence[tuple[str, Step]]) -> None:
        self.steps = list(steps)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.steps]

    async def run(self, batch: CommitBatch) -> None:
        for name, step in self.steps:
            started = time.perf_counter()
            await step(batch)
            metrics.COMMIT_STEP_DURATION.labels(name).observe(time.perf_counter() - started)


class DocumentStore(Protocol):
    """Elasticsearch as the sequence writes to it (``ElasticWriter``)."""

    async def write(self, actions: list[dict[str, Any]], concurrent: bool = False) -> list[Refused]:
        """Every action stored (retrying transient failures) except those returned, refused for good;
        ``concurrent``: the actions are independent and may be sent in concurrent requests."""
        ...


@dataclass(frozen=True, slots=True)
class Message:
    topic: TopicSpec
    key: bytes | None
    value: bytes


class AlertRouter(Protocol):
    """Alert channels as the sequence drives them (``workers/alerting.py`` ``Notifier``)."""

    def route(self, processed: Sequence[Processed], now: float) -> list[Notice]: ...

    def send(self, notices: Sequence[Notice]) -> None: ...

    def dead_letters(self) -> list[DeadLetter]: ...


class Publisher(Protocol):
    """Kafka as the sequence writes to it."""

    async def publish(self, messages: Sequence[Message]) -> None:
        """Returns once Kafka acknowledged every message."""
        ...


def worker_sequence(
    store: DocumentStore, publisher: Publisher, max_message_bytes: int, alerts_out: AlertRouter
) -> CommitSequence:
    """The distributed worker's sequence (see the module's docstring for the order and why)."""

    async def documents(batch: CommitBatch) -> None:
        batch.refused = await store.write(batch.decided.document_actions, concurrent=True)
        if batch.decided.correction_actions:
            batch.refused += await store.write(batch.decided.correction_actions)
        batch.dead_letters.extend(_index_dead_letter(item, batch.positions) for item in batch.refused)
        freshness.indexed(batch.decided.processed, batch.decided.appended_at, {item.doc_id for item in batch.refused})

    async def route(batch: CommitBatch) -> None:
        batch.notices = alerts_out.route(batch.decided.processed, time.time())

    async def topics(batch: CommitBatch) -> None:
        refused = {item.doc_id for item in batch.refused}
        # Webhook posts given up since the last batch go out with this one (not counted as rejected articles).
        letters = batch.dead_letters + alerts_out.dead_letters()
        messages = [Message(DLQ, None, encode_dead_letter(letter, max_message_bytes)) for letter in letters]
        to_kafka = {(notice.alert.rule, notice.alert.story_id) for notice in batch.notices if notice.to_kafka}
        for outgoing in batch.decided.messages:
            key = outgoing.doc_id.encode("utf-8")
            if outgoing.doc_id not in refused:
                messages.append(Message(ENRICHED, key, outgoing.enriched))
            # A refused document's alerts still go out: the article's text is in the dead-letter stream.
            messages.extend(Message(ALERTS, key, value) for alert, value in outgoing.alerts if alert in to_kafka)
        await publisher.publish(messages)
        freshness.alerted(batch.decided.processed, batch.decided.appended_at, to_kafka)

    async def alerts(batch: CommitBatch) -> None:
        refused = await store.write(batch.decided.alert_actions)
        letters = [_index_dead_letter(alert, batch.positions) for alert in refused]  # not rejected articles
        if letters:
            await publisher.publish([Message(DLQ, None, encode_dead_letter(x, max_message_bytes)) for x in letters])

    async def mark(batch: CommitBatch) -> None:
        if batch.decided.mark_actions:
            await store.write(batch.decided.mark_actions)

    async def acks(batch: CommitBatch) -> None:
        await batch.ack()

    async def notify(batch: CommitBatch) -> None:
        alerts_out.send(batch.notices)

    async def report(batch: CommitBatch) -> None:
        refused = {item.doc_id for item in batch.refused}
        account([item for item in batch.decided.processed if item.document.id not in refused], batch.dead_letters)

    return CommitSequence(
        [
            ("documents", documents),
            ("route", route),
            ("topics", topics),
            ("alerts", alerts),
            ("mark", mark),
            ("acks", acks),
            ("notify", notify),
            ("account", report),
        ]
    )


def _index_dead_letter(refused: Refused, positions: Mapping[str, SourcePosition]) -> DeadLetter:
    """A document (or alert) Elasticsearch refused for good, at the position of its prepared event."""
    doc_id = refused.source.get("doc_id", refused.doc_id)  # an alert's _id is rule:story_id
    position = positions.get(doc_id) or next(iter(positions.values()))
    payload = json.dumps(refused.source, ensure_ascii=False).encode("utf-8", errors="backslashreplace")
    return DeadLetter(
        "index", f"refused by Elasticsearch ({refused.index}): {refused.reason}", payload, position, iso(utc_now())
    )
