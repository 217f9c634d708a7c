"""The distributed worker: a Faust app over Kafka, indexing into Elasticsearch.

Two agents, the pipeline's two halves (``workers/pipeline.py``):

    articles.raw (N partitions) ──prepare_agent──▶ articles.prepared (1 partition) ──decide_agent──▶ Elasticsearch
                      │ dead letters ─▶ articles.dlq                    then articles.enriched, alerts

- ``prepare_agent`` runs on every raw partition of every worker: validate, clean, normalize, fingerprint,
  tag, match rules (the heavy, stateless half). Raw events are acked once their outcome is on Kafka. A record
  that fails anywhere, or whose prepared message would exceed ``MARSAD_KAFKA_MAX_MESSAGE_BYTES``, is
  dead-lettered alone.
- ``decide_agent`` consumes the single ``articles.prepared`` partition, which Kafka gives to exactly one
  worker of the group, so near-duplicates from any raw partition meet in one LSH index and an alert fires
  once per (rule, story). On (re)assignment its state is rebuilt from Elasticsearch (``workers/elastic/writer.py``).
  Each decided batch goes through the commit sequence (``workers/kafka/commit.py``); batches are committed one
  at a time, in order, but the next batch is decided while the previous one is being committed.

Failures: Elasticsearch or Kafka unreachable or overloaded (connection errors, 429, 5xx) are retried with
capped backoff inside the agent, which stops consuming meanwhile (Faust's bounded stream buffer then pauses
fetching): nothing is acked, nothing is lost, and ``marsad_worker_retrying`` says so. Any other exception that
escapes an agent stops the worker with a non-zero exit status (``mode.CrashingSupervisor``) rather than letting
Faust restart the agent past its unacked batch: a supervisor (Compose's ``restart``, systemd, Kubernetes)
starts it again, and Kafka redelivers from the last committed offset.

Both agents use ``noack_take``: Faust's ``take`` acks its buffer in a ``finally``, even when the batch failed.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, cast

import faust
import mode
import orjson
from faust.types import TP, EventT, StreamT
from faust.web import Request, Response, View
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from marsad.topics.definitions import ALERTS, DLQ, ENRICHED, PREPARED, RAW, TopicSpec
from marsad.topics.records import DeadLetter, RawInput, SourcePosition
from marsad.workers import metrics
from marsad.workers.alerting import RulesWatcher, build_notifier
from marsad.workers.allocator import return_freed_memory
from marsad.workers.build import build_decider, build_learner
from marsad.workers.elastic.names import ElasticNames
from marsad.workers.elastic.templates import install_templates
from marsad.workers.elastic.writer import ElasticWriter, elastic_client, is_transient, new_batch_id
from marsad.workers.kafka.admin import ensure_topics, faust_credentials, kafka_options
from marsad.workers.kafka.commit import CommitBatch, Decided, Message, Outgoing, worker_sequence
from marsad.workers.kafka.lag import ConsumerLag
from marsad.workers.kafka.prepare import Preparer
from marsad.workers.kafka.transport import Transport
from marsad.workers.kafka.wire import decode_prepared, encode_dead_letter, kafka_position
from marsad.workers.learning import NameLearner
from marsad.workers.outcomes import account
from marsad.workers.pipeline import Prepared, StoryDecider, iso, utc_now
from marsad.workers.settings import Settings, get_settings

log = logging.getLogger(__name__)
T = TypeVar("T")


class DecideState:
    """The decide agent's decider, rebuilt from Elasticsearch whenever its partition is (re)assigned."""

    def __init__(
        self, settings: Settings, writer: ElasticWriter, rules: RulesWatcher, names: ElasticNames | None = None
    ) -> None:
        """``names``: where name discovery keeps its state (none: no discovery)."""
        self._settings = settings
        self._writer = writer
        self._rules = rules
        self.decider: StoryDecider | None = None
        self._names = names
        # Built once (reading the gazetteer takes a while): a rebuild only restores what discovery persisted.
        self._learner: NameLearner | None = build_learner(settings, {}) if names is not None else None

    def rebuild(self) -> StoryDecider:
        started = time.perf_counter()
        if self._names is not None and self._learner is not None:
            self._learner.restore(self._names.candidates())
        decider = build_decider(self._settings, self._writer, self._rules.rules)
        metrics.DECIDER_REBUILDS.observe(time.perf_counter() - started)
        log.info("decide state rebuilt from Elasticsearch: %d documents in the duplicate index", len(decider.index))
        return decider

    def decide_batch(self, payloads: Sequence[tuple[bytes, SourcePosition]]) -> Decided:
        """Runs in a thread: reads Elasticsearch (known ids, candidates' shingles) while deciding, and encodes
        the batch's writes there too, off the event loop. A payload that cannot be decoded is dead-lettered."""
        batch: list[Prepared] = []
        dead: list[DeadLetter] = []
        for payload, position in payloads:
            try:
                batch.append(decode_prepared(payload, self._rules.by_id))
            except Exception as error:  # a payload this version cannot read
                reason = f"cannot decode prepared article: {type(error).__name__}: {error}"
                dead.append(DeadLetter("decide", reason, payload, position, iso(utc_now())))
        if self.decider is None:
            self.decider = self.rebuild()
        processed = self.decider.decide_batch(batch, utc_now())
        names: list[dict[str, Any]] = []
        retagged: list[dict[str, Any]] = []
        if self._names is not None and self._learner is not None:
            # Name discovery's changes are stored with the batch's mark, after the documents it rewrote: a batch
            # stopped before then is decided again, and what it learns is learned (and rewritten) again.
            learning = self._learner.learn(processed, self._writer, self.decider.index.ids())
            processed = learning.processed
            names = self._names.actions(learning.changed)
            retagged = self._writer.entity_actions(learning.retagged)
        metrics.DEDUP_INDEX_ENTRIES.set(len(self.decider.index))
        messages = [
            Outgoing(
                item.document.id,
                _json(item.document.to_dict()),
                tuple(((alert.rule, alert.story_id), _json(alert.to_dict())) for alert in item.fired),
            )
            for item in processed
            if not item.replay
        ]
        writer, batch_id = self._writer, new_batch_id()
        return Decided(
            processed,
            writer.document_actions(processed, batch_id),
            writer.alert_actions(processed),
            writer.commit_actions(processed, batch_id, iso(utc_now())) + names,
            messages,
            dead,
            writer.correction_actions(processed) + retagged,
            appended_at={prepared.article.id: prepared.appended_at for prepared in batch},
        )


def _json(data: dict[str, Any]) -> bytes:
    return orjson.dumps(data)


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


class FaustPublisher:
    """The commit sequence's ``Publisher`` over the app's topics."""

    def __init__(self, topics: dict[TopicSpec, faust.TopicT]) -> None:
        self._topics = topics

    async def publish(self, messages: Sequence[Message]) -> None:
        await _delivered([self._topics[m.topic].send(key=m.key, value=m.value) for m in messages])


async def retry_transient(
    operation: str, attempt: Callable[[], Awaitable[T]], settings: Settings, on_failure: Callable[[], Awaitable[None]]
) -> T:
    """``attempt()`` until it succeeds, waiting with capped exponential backoff after each transient failure
    (``is_transient``) and calling ``on_failure`` first; any other exception propagates."""
    failures = 0
    while True:
        try:
            result = await attempt()
        except Exception as error:
            if not is_transient(error):
                raise
            failures += 1
            metrics.TRANSIENT_FAILURES.labels(operation).inc()
            metrics.RETRYING.labels(operation).set(1)
            delay = min(settings.bulk_retry_max_seconds, settings.bulk_retry_initial_seconds * 2 ** (failures - 1))
            log.warning("%s failed (%s: %s), retrying in %.1f s", operation, type(error).__name__, error, delay)
            await on_failure()
            await asyncio.sleep(delay)
            continue
        metrics.RETRYING.labels(operation).set(0)
        return result


def _unacked_batches(stream: StreamT[Any], settings: Settings) -> AsyncIterator[list[EventT[Any]]]:
    """Batches by count and time whose events the caller acks itself, once their outcome is stored."""
    assert isinstance(stream, faust.Stream)
    # noack_take buffers the events themselves (its annotation says values).
    return cast(AsyncIterator[list[EventT[Any]]], stream.noack_take(settings.bulk_max_docs, settings.bulk_max_seconds))


def _position(event: EventT[Any]) -> SourcePosition:
    return kafka_position(event.message.topic, event.message.partition, event.message.offset)


def build_app(settings: Settings, preparer: Preparer, writer: ElasticWriter, rules: RulesWatcher) -> faust.App:
    assert settings.kafka_bootstrap is not None
    prefix = settings.topic_prefix
    app = faust.App(
        settings.consumer_group,
        broker=[f"kafka://{host.strip()}" for host in settings.kafka_bootstrap.split(",")],
        broker_credentials=faust_credentials(settings),
        # A SIGKILLed worker's partitions move once its session times out (Faust's default is 60 s); a
        # clean stop leaves the group at once.
        broker_session_timeout=settings.kafka_session_timeout_seconds,
        broker_heartbeat_interval=settings.kafka_heartbeat_interval_seconds,
        store="memory://",
        # Faust makes a directory for table state even with the memory store: not in the working directory.
        datadir=Path(tempfile.gettempdir()) / f"marsad-faust-{settings.consumer_group}",
        autodiscover=False,
        producer_acks=-1,
        # A prepared article is ~15 KB: Faust's 16 KB default batch held one, and aiokafka keeps one request
        # in flight per broker, so the worker sent one article per round trip.
        producer_max_batch_size=512 * 1024,
        producer_linger_ms=5,
        # Room for the largest message marsad sends plus the record's own overhead.
        producer_max_request_size=settings.kafka_max_message_bytes + 64 * 1024,
        # Per partition and fetch; the 1 MB default (~65 prepared articles) starved the decide agent's batches.
        consumer_max_fetch_size=8 * 1024 * 1024,
        # Events waiting per partition: two full batches (Faust's 4096 held ~60 MB of prepared articles).
        stream_buffer_maxsize=2 * settings.bulk_max_docs,
        consumer_auto_offset_reset="earliest",
        topic_replication_factor=1,
        # Faust would wait for every unacked event before a stop or a rebalance; a batch retrying against an
        # unreachable Elasticsearch never gets acked, so it would hang there. Not waiting is safe: only acked
        # offsets are ever committed, and every write is idempotent.
        stream_wait_empty=False,
        # An agent that raises stops the worker (exit status 1) instead of being restarted past its batch.
        agent_supervisor=mode.CrashingSupervisor,
        web_enabled=True,
        web_bind=settings.http_host,
        web_host=settings.http_host,
        web_port=settings.http_port,
    )
    app.transport = Transport(app.conf.broker_consumer, app)
    topics = {spec: _topic(app, spec, prefix) for spec in (RAW, PREPARED, ENRICHED, ALERTS, DLQ)}
    state = DecideState(settings, writer, rules, ElasticNames(writer.client, settings.index_prefix))
    notifier = build_notifier(settings, lambda: rules.by_id)
    sequence = worker_sequence(writer, FaustPublisher(topics), settings.kafka_max_message_bytes, notifier)
    lag = ConsumerLag()

    def reload_rules() -> None:
        """Before each batch of either agent: a changed rules file takes effect in both."""
        if rules.check():
            preparer.reload(rules)

    decide_partition = TP(PREPARED.name(prefix), 0)
    crashing: set[asyncio.Future[None]] = set()

    def crash_on_failure(task: asyncio.Task[None]) -> None:
        """A batch that failed to commit stops the worker at once (exit status 1), not when the next batch
        comes (none may): the supervisor restarts it and Kafka redelivers the batch."""
        if task.cancelled() or (error := task.exception()) is None:
            return
        log.critical("committing a decided batch failed: stopping the worker", exc_info=error)
        crash = asyncio.ensure_future(app.crash(error))
        crashing.add(crash)
        crash.add_done_callback(crashing.discard)

    # mode types handlers with an unbound TypeVar that mypy cannot match any function against.
    @app.on_partitions_revoked.connect  # type: ignore[arg-type]
    async def forget_state(sender: Any, *args: Any, signal: Any, **kwargs: Any) -> None:
        (revoked,) = args  # Faust sends the revoked partitions positionally
        lag.forget(revoked)
        if decide_partition in revoked:
            state.decider = None  # another worker may own it next: rebuild from Elasticsearch on return

    @app.agent(topics[RAW])
    async def prepare_agent(stream: StreamT[Any]) -> None:
        async for events in _unacked_batches(stream, settings):
            reload_rules()
            metrics.KAFKA_BATCH_SIZE.labels("prepare").observe(len(events))
            raws = [
                RawInput(event.value or b"", _position(event), appended_at=event.message.timestamp) for event in events
            ]
            started = time.perf_counter()
            prepared = await preparer.prepare(raws)
            metrics.BATCH_DURATION.labels("prepare").observe(time.perf_counter() - started)
            account([], prepared.letters)
            limit = settings.kafka_max_message_bytes
            await _delivered(
                [topics[PREPARED].send(key=key, value=value) for key, value in prepared.messages]
                + [topics[DLQ].send(value=encode_dead_letter(letter, limit)) for letter in prepared.letters]
            )
            for event in events:
                await stream.ack(event)
                lag.processed(event.message.tp, event.message.offset)

    @app.agent(topics[PREPARED])
    async def decide_agent(stream: StreamT[Any]) -> None:
        committing: asyncio.Task[None] | None = None

        async def after_failure() -> None:
            # The decider may be half way through the batch: rebuild it from Elasticsearch, once the batch
            # being committed (which retries by itself) is stored there.
            if committing is not None:
                await committing
            state.decider = None

        async for events in _unacked_batches(stream, settings):
            reload_rules()
            metrics.KAFKA_BATCH_SIZE.labels("decide").observe(len(events))
            started = time.perf_counter()
            payloads = [(event.value or b"", _position(event)) for event in events]
            # Decided while the previous batch is being committed: Elasticsearch indexes on the other core meanwhile.
            decided = await retry_transient(
                "decide", partial(asyncio.to_thread, state.decide_batch, payloads), settings, after_failure
            )
            metrics.BATCH_DURATION.labels("decide").observe(time.perf_counter() - started)
            if committing is not None:
                await committing  # one batch committed at a time, in order; re-raises its failure

            async def ack(events: list[EventT[Any]] = events) -> None:
                for event in events:
                    await stream.ack(event)
                    lag.processed(event.message.tp, event.message.offset)

            positions = {
                event.key.decode("utf-8", errors="replace"): _position(event)
                for event in events
                if isinstance(event.key, bytes)
            }
            committing = asyncio.create_task(sequence.run(CommitBatch(decided, positions, ack)))
            committing.add_done_callback(crash_on_failure)

    @app.on_before_shutdown.connect  # type: ignore[arg-type]
    async def stop_notifications(sender: Any, *args: Any, **kwargs: Any) -> None:
        """Queued webhooks get one attempt's timeout; those left, and those given up, go to the dead letters."""
        await asyncio.to_thread(notifier.close, settings.webhook_timeout_seconds)
        limit = settings.kafka_max_message_bytes
        letters = notifier.dead_letters()
        await _delivered([topics[DLQ].send(value=encode_dead_letter(letter, limit)) for letter in letters])
        preparer.close()

    @app.timer(interval=5.0)
    async def report_lag() -> None:
        await lag.report(app.consumer)

    @app.page("/metrics")
    async def metrics_page(view: View, request: Request) -> Response:
        return view.bytes(generate_latest(metrics.default.registry), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    return app


def run_worker(settings: Settings) -> None:
    """``marsad worker``: create topics and indices if missing, then run the agents until stopped."""
    if not settings.distributed:
        raise SystemExit("marsad worker needs MARSAD_KAFKA_BOOTSTRAP and MARSAD_ELASTICSEARCH_URL")
    return_freed_memory()
    assert settings.kafka_bootstrap is not None
    ensure_topics(settings.kafka_bootstrap, settings.topic_prefix, options=kafka_options(settings))
    client = elastic_client(settings)
    install_templates(client, settings.index_prefix)
    writer = ElasticWriter(client, settings)
    writer.ensure_commits_index()
    rules = RulesWatcher(settings.rules)
    app = build_app(settings, Preparer(settings, rules), writer, rules)
    faust.Worker(app, loglevel="INFO").execute_from_commandline()


if __name__ == "__main__":  # ``python -m marsad.workers.kafka.agents``, the same as ``marsad worker``
    logging.basicConfig(level=logging.INFO)
    run_worker(get_settings())
