"""``marsad produce SOURCE…``: push raw articles to the raw topic (docs/interfaces.md §1), keyed by article id.

JSON records go out as the exact bytes read, so the worker sees what the source published; records a reader
already parsed in another shape (``.txt`` files, feed entries) go out as the JSON article they stand for.
Records that do not validate are pushed unchanged too (keyed by a hash of their bytes): the worker
dead-letters them with the reason, so nothing is dropped silently on this side. A record the broker cannot
take (over ``MARSAD_KAFKA_MAX_MESSAGE_BYTES``, or refused as too large or invalid) goes to the dead-letter
topic instead, with stage ``produce`` and its reason, and the rest go on. When a delivery fails part way
(the broker unreachable past the producer's own retries), ``publish`` raises for the poller to retry the
batch later, and remembers what was delivered so that the retry does not send it twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import signal
import sys
import threading
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from types import FrameType

from kafka import KafkaProducer
from kafka.errors import InvalidRecordError, KafkaError, MessageSizeTooLargeError, RecordListTooLargeError
from kafka.producer.future import FutureRecordMetadata

from marsad.sources import (
    SourceCursor,
    SourcePoller,
    UnsupportedInputError,
    load_sources_config,
    read_inputs,
)
from marsad.sources.config import DirectorySourceSpec, FeedSourceSpec, JsonlSourceSpec, SourceSpec
from marsad.topics.definitions import DLQ, RAW
from marsad.topics.records import Article, DeadLetter, RawInput, SourcePosition
from marsad.workers.kafka.admin import ensure_topics, kafka_options
from marsad.workers.kafka.wire import encode_dead_letter
from marsad.workers.pipeline import iso, utc_now
from marsad.workers.settings import Settings
from marsad.workers.stages.validate import validate

log = logging.getLogger(__name__)


def raw_message(raw: RawInput, max_bytes: int) -> tuple[bytes, bytes]:
    """(key, value) for one raw record: key = the article id the worker will derive."""
    article = validate(raw, max_bytes)
    if not isinstance(article, Article):
        return hashlib.blake2b(raw.payload, digest_size=10).hexdigest().encode(), raw.payload
    if raw.content_type == "json":
        return article.id.encode("utf-8"), raw.payload
    return article.id.encode("utf-8"), json.dumps(asdict(article), ensure_ascii=False).encode("utf-8")


# Refused for this record, whatever the broker's state: dead-lettered, not retried.
_PERMANENT_ERRORS = (MessageSizeTooLargeError, RecordListTooLargeError, InvalidRecordError)


class RawPublisher:
    def __init__(self, settings: Settings) -> None:
        assert settings.kafka_bootstrap is not None
        options = kafka_options(settings)
        ensure_topics(settings.kafka_bootstrap, settings.topic_prefix, options=options)
        self.topic = RAW.name(settings.topic_prefix)
        self.dlq_topic = DLQ.name(settings.topic_prefix)
        self._max_bytes = settings.max_body_bytes
        self._max_message_bytes = settings.kafka_max_message_bytes
        self._producer = KafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap.split(","),
            client_id="marsad-producer",
            acks="all",
            enable_idempotence=True,
            linger_ms=20,
            batch_size=256 * 1024,
            max_request_size=settings.kafka_max_message_bytes + 64 * 1024,
            **options,
        )
        self.sent = 0
        self.dead_lettered = 0
        # Records of a batch that failed part way which were delivered (or dead-lettered) nevertheless: skipped
        # when the batch is retried.
        self._done: set[tuple[SourcePosition, bytes]] = set()

    def publish(self, raws: Iterable[RawInput]) -> None:
        """Send and wait until the broker acknowledged every record (``deliver`` for the poller)."""
        pending: list[tuple[tuple[SourcePosition, bytes], RawInput, FutureRecordMetadata]] = []
        for raw in raws:
            identity = (raw.position, hashlib.blake2b(raw.payload, digest_size=16).digest())
            if identity in self._done:
                continue
            key, value = raw_message(raw, self._max_bytes)
            size = len(key) + len(value)
            if size > self._max_message_bytes:
                self._dead_letter(identity, raw, f"too large for Kafka: {size} bytes > {self._max_message_bytes}")
                continue
            try:
                pending.append((identity, raw, self._producer.send(self.topic, key=key, value=value)))
            except _PERMANENT_ERRORS as error:
                self._dead_letter(identity, raw, f"refused by the producer: {error}")
        self._producer.flush()
        failure: KafkaError | None = None
        for identity, raw, future in pending:
            try:
                future.get()
            except _PERMANENT_ERRORS as error:
                self._dead_letter(identity, raw, f"refused by the broker: {error}")
                continue
            except KafkaError as error:
                failure = error
                continue
            self._done.add(identity)
            self.sent += 1
        if failure is not None:
            raise failure  # the poller retries the batch later; what was delivered is skipped then
        self._done.clear()

    def _dead_letter(self, identity: tuple[SourcePosition, bytes], raw: RawInput, reason: str) -> None:
        log.warning("record at %s dead-lettered: %s", raw.position, reason)
        letter = DeadLetter("produce", reason, raw.payload, raw.position, iso(utc_now()))
        self._producer.send(self.dlq_topic, value=encode_dead_letter(letter, self._max_message_bytes)).get()
        self._done.add(identity)
        self.dead_lettered += 1

    def close(self) -> None:
        self._producer.close()


def follow_specs(sources: list[str]) -> list[SourceSpec]:
    """Followable sources named on the command line: directories, ``.jsonl`` files, feed URLs."""
    specs: list[SourceSpec] = []
    for source in sources:
        # The cursor key: derived from the source itself, not its position, so that a restart with the
        # sources in another order (or one more) resumes each where it stopped.
        identity = source if source.startswith(("http://", "https://")) else str(Path(source).resolve())
        name = "produce-" + hashlib.blake2b(identity.encode("utf-8"), digest_size=8).hexdigest()
        if source.startswith(("http://", "https://")):
            specs.append(FeedSourceSpec(type="feed", name=name, url=source))
        elif Path(source).is_dir():
            specs.append(DirectorySourceSpec(type="directory", name=name, path=Path(source).resolve(), interval_s=5))
        elif source.endswith(".jsonl"):
            specs.append(JsonlSourceSpec(type="jsonl", name=name, path=Path(source).resolve(), interval_s=5))
        else:
            raise UnsupportedInputError(f"cannot follow {source}: give a directory, a .jsonl file or a feed URL")
    return specs


def produce(settings: Settings, sources: list[str], follow: bool) -> int:
    """Push ``sources`` once, or with ``follow`` keep polling them (``config/sources.yaml`` when none are
    given) until SIGINT/SIGTERM. Returns the exit code."""
    if not settings.kafka_bootstrap:
        print("marsad produce needs MARSAD_KAFKA_BOOTSTRAP", file=sys.stderr)
        return 2
    try:
        specs = follow_specs(sources) if follow and sources else None
        records = None if follow else read_inputs(sources)
    except UnsupportedInputError as error:
        print(f"marsad produce: {error}", file=sys.stderr)
        return 2
    publisher = RawPublisher(settings)
    try:
        if records is not None:
            publisher.publish(records)
        else:
            _follow(settings, publisher, specs)
    finally:
        publisher.close()
    print(f"produced {publisher.sent} records to {publisher.topic}", file=sys.stderr)
    if publisher.dead_lettered:
        print(f"dead-lettered {publisher.dead_lettered} records to {publisher.dlq_topic}", file=sys.stderr)
    return 0


def _follow(settings: Settings, publisher: RawPublisher, specs: list[SourceSpec] | None) -> None:
    config = load_sources_config(settings.sources)
    cursor = SourceCursor.open(settings.store / "producer-cursor.db", config.seen_items)
    poller = SourcePoller(
        specs if specs is not None else config.sources,
        cursor,
        publisher.publish,
        fulltext_settings=config.fulltext,
        backoff=config.backoff,
    )
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        poller.run(stop)
    finally:
        poller.close()
        cursor.close()
