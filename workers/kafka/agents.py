"""The distributed worker: a Faust app over Kafka, indexing into Elasticsearch.

Two agents, the pipeline's two halves (``workers/pipeline.py``):

    articles.raw (N partitions) ──prepare_agent──▶ articles.prepared (1 partition) ──decide_agent──▶ Elasticsearch
                      │ dead letters ─▶ articles.dlq                    then articles.enriched, alerts

- ``prepare_agent`` runs on every raw partition of every worker: validate, clean, normalize, fingerprint,
  tag, match rules (the heavy, stateless half). Raw events are acked once their outcome is on Kafka.
- ``decide_agent`` consumes the single ``articles.prepared`` partition, which Kafka gives to exactly one
  worker of the group, so near-duplicates from any raw partition meet in one LSH index and an alert fires
  once per (rule, story). On (re)assignment its state is rebuilt from Elasticsearch (``workers/elastic/writer.py``).
  Per batch: documents and dedup state to Elasticsearch, then documents and fired alerts to their topics,
  then alerts to Elasticsearch, and only then are the events acked. A failed bulk write is retried with
  backoff while the batch stays unacked, so a crash or a stop meanwhile redelivers it. Batches are stored one
  at a time, in order, but the next batch is decided while the previous one is being stored.

Both agents use ``noack_take``: Faust's ``take`` acks its buffer in a ``finally``, even when the batch failed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import faust
from faust.types import TP, EventT, StreamT
from faust.web import Request, Response, View
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from marsad.topics.definitions import ALERTS, DLQ, ENRICHED, PREPARED, RAW, TopicSpec
from marsad.topics.records import DeadLetter, EnrichedDocument, RawInput
from marsad.workers import metrics
from marsad.workers.build import build_decider, build_enricher
from marsad.workers.elastic.templates import install_templates
from marsad.workers.elastic.writer import ElasticWriter, Refused, elastic_client
from marsad.workers.kafka.admin import ensure_topics
from marsad.workers.kafka.wire import decode_prepared, encode_dead_letter, encode_prepared, kafka_position
from marsad.workers.outcomes import account
from marsad.workers.pipeline import Enricher, Processed, StoryDecider, iso, utc_now
from marsad.workers.settings import Settings, get_settings
from marsad.workers.stages.alerts import AlertRule
from marsad.workers.stages.dedup import ShingleSet

log = logging.getLogger(__name__)


class DecideState:
    """The decide agent's decider, rebuilt from Elasticsearch whenever its partition is (re)assigned."""

    def __init__(self, settings: Settings, writer: ElasticWriter, rules: dict[str, AlertRule]) -> None:
        self._settings = settings
        self._writer = writer
        self._rules = rules
        self._known: dict[str, EnrichedDocument] = {}
        # The last batch's new documents: it may still be being stored while the next one is decided.
        self._unstored: dict[str, EnrichedDocument] = {}
        self.decider: StoryDecider | None = None

    def _lookup(self, doc_id: str) -> EnrichedDocument | None:
        return self._known.get(doc_id)

    def _shingles(self, doc_id: str) -> ShingleSet | None:
        return self._writer.shingles(doc_id)

    def rebuild(self) -> StoryDecider:
        started = time.perf_counter()
        settings = self._settings
        decider = build_decider(settings, self._lookup, self._shingles, self._writer.fired_pairs())
        window = settings.dedup_window_days * 86_400
        decider.index.load(self._writer.dedup_entries(since=time.time() - window, limit=settings.dedup_max_entries))
        metrics.DECIDER_REBUILDS.observe(time.perf_counter() - started)
        log.info("decide state rebuilt from Elasticsearch: %d documents in the duplicate index", len(decider.index))
        return decider

    def decide_batch(self, payloads: Sequence[bytes]) -> Decided:
        """Runs in a thread: reads Elasticsearch (known ids, candidates' shingles) while deciding, and encodes
        the batch's writes there too, off the event loop."""
        batch = [decode_prepared(payload, self._rules) for payload in payloads]
        if self.decider is None:
            self.decider = self.rebuild()
            self._unstored = {}  # a batch still being stored at a revocation may never be: it is redelivered
        ids = [prepared.article.id for prepared in batch]
        self._known = self._writer.documents(ids) | {i: self._unstored[i] for i in ids if i in self._unstored}
        now = utc_now()
        processed = []
        for prepared in batch:
            item = self.decider.decide(prepared, now)
            if not item.replay:
                self._known[item.document.id] = item.document  # a repeat later in this batch is a replay
            processed.append(item)
        metrics.DEDUP_INDEX_ENTRIES.set(len(self.decider.index))
        self._unstored = {item.document.id: item.document for item in processed if not item.replay}
        messages = [
            Outgoing(
                item.document.id, _json(item.document.to_dict()), tuple(_json(alert.to_dict()) for alert in item.fired)
            )
            for item in processed
            if not item.replay
        ]
        return Decided(
            processed, self._writer.document_actions(processed), self._writer.alert_actions(processed), messages
        )


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A new document's Kafka messages: the enriched document and the alerts it fired."""

    doc_id: str
    enriched: bytes
    alerts: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class Decided:
    """A decided batch, with everything it has to write already encoded."""

    processed: list[Processed]
    document_actions: list[dict[str, Any]]
    alert_actions: list[dict[str, Any]]
    messages: list[Outgoing]


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _prepare_batch(enricher: Enricher, raws: Sequence[RawInput]) -> tuple[list[tuple[bytes, bytes]], list[bytes]]:
    """Runs in a thread: the prepared topic's (key, value) messages, and the dead letters."""
    prepared: list[tuple[bytes, bytes]] = []
    dead: list[bytes] = []
    letters: list[DeadLetter] = []
    for outcome in enricher.prepare(raws, utc_now()):
        if isinstance(outcome, DeadLetter):
            letters.append(outcome)
            dead.append(encode_dead_letter(outcome))
        else:
            prepared.append((outcome.article.id.encode("utf-8"), encode_prepared(outcome)))
    account([], letters)
    return prepared, dead


def _topic(app: faust.App, spec: TopicSpec, prefix: str) -> faust.TopicT:
    """Keys and values stay bytes: marsad encodes its own JSON, and the worker must see malformed raw bytes."""
    return app.topic(
        spec.name(prefix),
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=spec.partitions,
    )


async def _delivered(sends: Sequence[Awaitable[Awaitable[Any]]]) -> None:
    """Wait until Kafka acknowledged every message sent (``send`` only queues them)."""
    futures = await asyncio.gather(*sends)
    await asyncio.gather(*futures)


def _unacked_batches(stream: StreamT[Any], settings: Settings) -> AsyncIterator[list[EventT[Any]]]:
    """Batches by count and time whose events the caller acks itself, once their outcome is stored."""
    assert isinstance(stream, faust.Stream)
    # noack_take buffers the events themselves (its annotation says values).
    return cast(AsyncIterator[list[EventT[Any]]], stream.noack_take(settings.bulk_max_docs, settings.bulk_max_seconds))


def build_app(settings: Settings, enricher: Enricher, writer: ElasticWriter) -> faust.App:
    assert settings.kafka_bootstrap is not None
    prefix = settings.topic_prefix
    app = faust.App(
        settings.consumer_group,
        broker=[f"kafka://{host.strip()}" for host in settings.kafka_bootstrap.split(",")],
        store="memory://",
        autodiscover=False,
        producer_acks=-1,
        # A prepared article is ~15 KB: Faust's 16 KB default batch held one, and aiokafka keeps one request
        # in flight per broker, so the worker sent one article per round trip.
        producer_max_batch_size=512 * 1024,
        producer_linger_ms=5,
        # Per partition and fetch; the 1 MB default (~65 prepared articles) starved the decide agent's batches.
        consumer_max_fetch_size=8 * 1024 * 1024,
        consumer_auto_offset_reset="earliest",
        topic_replication_factor=1,
        # Faust would wait for every unacked event before a stop or a rebalance; a batch retrying against an
        # unreachable Elasticsearch never gets acked, so it would hang there. Not waiting is safe: only acked
        # offsets are ever committed, and every write is idempotent.
        stream_wait_empty=False,
        web_enabled=True,
        web_bind=settings.http_host,
        web_host=settings.http_host,
        web_port=settings.http_port,
    )
    raw, prepared_topic = _topic(app, RAW, prefix), _topic(app, PREPARED, prefix)
    enriched, alerts, dlq = _topic(app, ENRICHED, prefix), _topic(app, ALERTS, prefix), _topic(app, DLQ, prefix)
    state = DecideState(settings, writer, {rule.id: rule for rule in enricher.rules.rules})
    decide_partition = TP(PREPARED.name(prefix), 0)

    # mode types handlers with an unbound TypeVar that mypy cannot match any function against.
    @app.on_partitions_revoked.connect  # type: ignore[arg-type]
    async def forget_state(sender: Any, *args: Any, signal: Any, **kwargs: Any) -> None:
        (revoked,) = args  # Faust sends the revoked partitions positionally
        if decide_partition in revoked:
            state.decider = None  # another worker may own it next: rebuild from Elasticsearch on return

    @app.agent(raw)
    async def prepare_agent(stream: StreamT[Any]) -> None:
        async for events in _unacked_batches(stream, settings):
            metrics.KAFKA_BATCH_SIZE.labels("prepare").observe(len(events))
            raws = [
                RawInput(
                    event.value or b"",
                    kafka_position(event.message.topic, event.message.partition, event.message.offset),
                )
                for event in events
            ]
            started = time.perf_counter()
            prepared, dead = await asyncio.to_thread(_prepare_batch, enricher, raws)
            metrics.BATCH_DURATION.labels("prepare").observe(time.perf_counter() - started)
            await _delivered(
                [prepared_topic.send(key=key, value=value) for key, value in prepared]
                + [dlq.send(value=value) for value in dead]
            )
            for event in events:
                await stream.ack(event)

    async def store(stream: StreamT[Any], events: list[EventT[Any]], batch: Decided) -> None:
        started = time.perf_counter()
        refused = await writer.write(batch.document_actions)
        refused_ids = {item.doc_id for item in refused}
        letters = [_index_dead_letter(item, events) for item in refused]
        sends = [dlq.send(value=encode_dead_letter(letter)) for letter in letters]
        for message in batch.messages:
            if message.doc_id in refused_ids:
                continue
            key = message.doc_id.encode("utf-8")
            sends.append(enriched.send(key=key, value=message.enriched))
            sends.extend(alerts.send(key=key, value=value) for value in message.alerts)
        await _delivered(sends)
        # Stored last: a rebuilt decider treats a (rule, story) in the alerts index as fired, so an alert
        # must be on the topic before it gets there. A crash in between can repeat it on the topic (never
        # in the index); a crash before leaves neither, and the redelivered batch fires it again.
        for refused_alert in await writer.write(batch.alert_actions):
            metrics.REJECTS.labels("index").inc()
            log.error("Elasticsearch refused alert %s: %s", refused_alert.doc_id, refused_alert.reason)
        for event in events:
            await stream.ack(event)
        metrics.BATCH_DURATION.labels("write").observe(time.perf_counter() - started)
        account([item for item in batch.processed if item.document.id not in refused_ids], letters)

    @app.agent(prepared_topic)
    async def decide_agent(stream: StreamT[Any]) -> None:
        storing: asyncio.Task[None] | None = None
        async for events in _unacked_batches(stream, settings):
            metrics.KAFKA_BATCH_SIZE.labels("decide").observe(len(events))
            started = time.perf_counter()
            # Decided while the previous batch is being stored: Elasticsearch indexes on the other core meanwhile.
            batch = await asyncio.to_thread(state.decide_batch, [event.value for event in events])
            metrics.BATCH_DURATION.labels("decide").observe(time.perf_counter() - started)
            if storing is not None:
                await storing  # one batch stored at a time, in order; re-raises its failure
            storing = asyncio.create_task(store(stream, events, batch))
            storing.add_done_callback(_log_failure)

    @app.page("/metrics")
    async def metrics_page(view: View, request: Request) -> Response:
        return view.bytes(generate_latest(), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    return app


def _index_dead_letter(refused: Refused, events: Sequence[EventT]) -> DeadLetter:
    """A document Elasticsearch refused for good, dead-lettered at the position of its prepared event."""
    event = next((e for e in events if e.key == refused.doc_id.encode("utf-8")), events[0])
    position = kafka_position(event.message.topic, event.message.partition, event.message.offset)
    payload = json.dumps(refused.source, ensure_ascii=False).encode("utf-8")
    return DeadLetter(
        "index", f"refused by Elasticsearch ({refused.index}): {refused.reason}", payload, position, iso(utc_now())
    )


def _log_failure(task: asyncio.Task[None]) -> None:
    """At once, not only when the next batch awaits the task (none may come for a while)."""
    if not task.cancelled() and task.exception() is not None:
        log.error("storing a decided batch failed", exc_info=task.exception())


def run_worker(settings: Settings) -> None:
    """``marsad worker``: create topics and indices if missing, then run the agents until stopped."""
    if not settings.distributed:
        raise SystemExit("marsad worker needs MARSAD_KAFKA_BOOTSTRAP and MARSAD_ELASTICSEARCH_URL")
    assert settings.kafka_bootstrap is not None
    ensure_topics(settings.kafka_bootstrap, settings.topic_prefix)
    client = elastic_client(settings)
    install_templates(client, settings.index_prefix)
    writer = ElasticWriter(client, settings)
    writer.ensure_state_index()
    app = build_app(settings, build_enricher(settings), writer)
    faust.Worker(app, loglevel="INFO").execute_from_commandline()


if __name__ == "__main__":  # ``python -m marsad.workers.kafka.agents``, the same as ``marsad worker``
    logging.basicConfig(level=logging.INFO)
    run_worker(get_settings())
