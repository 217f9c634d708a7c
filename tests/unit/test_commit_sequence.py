"""The decide agent's commit sequence (``workers/kafka/commit.py``) with fakes for Kafka and Elasticsearch:
the order of its steps, a document refused amid good ones, a step that fails (nothing acked, nothing marked
committed), and the redelivered batch that completes what was left undone, alerts exactly once in the index.

The Elasticsearch fake is ``ElasticWriter`` with its I/O replaced by dictionaries, so the actions it builds,
its committed-document lookup and the decider rebuilt from it are the real ones.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from prometheus_client import CollectorRegistry

from marsad.topics.definitions import ALERTS, DLQ, ENRICHED
from marsad.topics.records import Alert, EnrichedDocument, RawInput, SourcePosition
from marsad.workers import metrics
from marsad.workers.alerting import RulesWatcher, build_notifier
from marsad.workers.build import build_enricher
from marsad.workers.elastic.writer import DEDUP_FIELD, DERIVED_FIELDS, ElasticWriter, Refused
from marsad.workers.kafka.agents import DecideState
from marsad.workers.kafka.commit import CommitBatch, CommitSequence, Message, worker_sequence
from marsad.workers.kafka.wire import encode_prepared
from marsad.workers.pipeline import Enricher, Prepared
from marsad.workers.settings import Settings
from marsad.workers.stages.dedup import DedupEntry, ShingleSet

pytestmark = pytest.mark.unit

SETTINGS = Settings()
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
STEPS = ["documents", "route", "topics", "alerts", "mark", "acks", "notify", "account"]


class Crash(Exception):
    """Stands for the process dying at that point (SIGKILL): the step never returns."""


class FakeElastic(ElasticWriter):
    """Indices as dictionaries; ``refuse`` ids are refused for good, ``crash_on`` an index name: writing to
    it raises ``Crash`` once."""

    def __init__(self, calls: list[str]) -> None:
        super().__init__(Elasticsearch("http://fake.invalid:9200"), SETTINGS)
        self.indices: dict[str, dict[str, dict[str, Any]]] = {}
        self.refuse: set[str] = set()
        self.crash_on: str | None = None
        self.calls = calls
        self.writes: list[tuple[bool, list[str]]] = []  # (concurrent, op types) of each write, in order

    def index(self, name: str) -> dict[str, dict[str, Any]]:
        return self.indices.setdefault(name, {})

    async def write(self, actions: list[dict[str, Any]], concurrent: bool = False) -> list[Refused]:
        names = sorted({action["_index"] for action in actions})
        self.calls.append("elastic:" + ",".join(names))
        self.writes.append((concurrent, [action["_op_type"] for action in actions]))
        if self.crash_on in names:
            self.crash_on = None
            raise Crash(self.calls[-1])
        refused = []
        for action in actions:
            if action["_id"] in self.refuse:
                refused.append(Refused(action["_index"], action["_id"], action["_source"], "mapper_parsing_exception"))
            elif action["_op_type"] == "update":
                if action["_id"] in self.index(action["_index"]):
                    self.index(action["_index"])[action["_id"]] |= action["doc"]
            elif action["_op_type"] == "index" or action["_id"] not in self.index(action["_index"]):
                self.index(action["_index"])[action["_id"]] = action["_source"]
        return refused

    # The decider's reads (DeciderState) ------------------------------------------------------------
    def known_documents(self, ids: Sequence[str]) -> dict[str, EnrichedDocument]:
        news, commits = self.index(self.names.documents), self.index(self.names.commits)
        return {
            i: EnrichedDocument.from_dict({k: v for k, v in news[i].items() if k not in DERIVED_FIELDS})
            for i in ids
            if i in news and news[i][DEDUP_FIELD]["batch"] in commits
        }

    def shingles(self, doc_id: str) -> ShingleSet | None:
        return None  # the tests' articles are not near-duplicates of one another

    def dedup_entries(self, since: float, limit: int) -> list[DedupEntry]:
        return []

    def alerts(self) -> list[Alert]:
        return [
            Alert(a["rule"], a["doc_id"], a["story_id"], tuple(a["matched"]), a["fired_at"])
            for a in self.index(self.names.alerts).values()
        ]


class FakeKafka:
    def __init__(self, calls: list[str]) -> None:
        self.messages: list[Message] = []
        self.calls = calls

    async def publish(self, messages: Sequence[Message]) -> None:
        self.calls.append("kafka:" + ",".join(sorted({m.topic.base_name for m in messages})))
        self.messages.extend(messages)

    def on(self, topic: Any) -> list[dict[str, Any]]:
        return [json.loads(m.value) for m in self.messages if m.topic == topic]


@cache
def enricher() -> Enricher:
    return build_enricher(SETTINGS)


def prepared(doc_id: str, body: str) -> bytes:
    raw = json.dumps({"id": doc_id, "title": "خبر", "body": body}, ensure_ascii=False).encode("utf-8")
    (outcome,) = enricher().prepare([RawInput(raw, SourcePosition("test"))], NOW)
    assert isinstance(outcome, Prepared)
    return encode_prepared(outcome)


BATCH = [
    prepared("port", "أعلنت الوزارة عن خطة لتوسعة الرصيف التجاري بطرطوس خلال العامين المقبلين"),
    prepared("rain", "هطلت أمطار غزيرة على مدن الساحل وتوقعات باستمرارها حتى نهاية الأسبوع"),
    prepared("base", "وصل وفد عسكري إلى قاعدة حميميم الجوية صباح اليوم في زيارة لم يعلن عنها"),
]


class World:
    """One worker's view: the fakes, a decide state over them, and the acks it made."""

    def __init__(self, elastic: FakeElastic | None = None, kafka: FakeKafka | None = None) -> None:
        self.calls: list[str] = []
        self.elastic = elastic or FakeElastic(self.calls)
        self.kafka = kafka or FakeKafka(self.calls)
        self.elastic.calls = self.kafka.calls = self.calls
        rules = RulesWatcher(SETTINGS.rules)
        self.state = DecideState(SETTINGS, self.elastic, rules)
        notifier = build_notifier(SETTINGS, lambda: rules.by_id)
        self.sequence = worker_sequence(self.elastic, self.kafka, SETTINGS.kafka_max_message_bytes, notifier)
        self.acked = 0

    async def ack(self) -> None:
        self.calls.append("ack")
        self.acked += 1

    async def commit(self, payloads: list[bytes]) -> None:
        positions = [SourcePosition("kafka:prepared", "prepared", 0, offset) for offset in range(len(payloads))]
        decided = self.state.decide_batch(list(zip(payloads, positions, strict=True)))
        by_id = {item.document.id: position for item, position in zip(decided.processed, positions, strict=False)}
        await self.sequence.run(CommitBatch(decided, by_id, self.ack))

    def stored_alerts(self) -> list[tuple[str, str]]:
        return sorted((a["rule"], a["doc_id"]) for a in self.elastic.index(self.elastic.names.alerts).values())


@pytest.fixture(autouse=True)
def own_metrics() -> Iterator[CollectorRegistry]:
    previous = metrics.default
    registry = CollectorRegistry()
    metrics.use(registry)
    yield registry
    metrics.default = previous  # later tests read the process-wide registry


def test_steps_run_in_order_each_after_the_previous_one(own_metrics: CollectorRegistry) -> None:
    world = World()
    assert world.sequence.names == STEPS
    asyncio.run(world.commit(BATCH))
    names = world.elastic.names
    assert world.calls == [
        f"elastic:{names.documents}",
        "kafka:alerts,articles.enriched",
        f"elastic:{names.alerts}",
        f"elastic:{names.commits}",
        "ack",
    ]
    assert world.stored_alerts() == [("hmeimim", "base"), ("tartus", "port")]
    assert sorted(d["id"] for d in world.kafka.on(ENRICHED)) == ["base", "port", "rain"]
    assert own_metrics.get_sample_value("marsad_articles_total", {"outcome": "indexed"}) == 3
    assert own_metrics.get_sample_value("marsad_commit_step_duration_seconds_count", {"step": "acks"}) == 1


def test_a_refused_document_is_dead_lettered_once_and_the_others_go_on(own_metrics: CollectorRegistry) -> None:
    world = World()
    world.elastic.refuse = {"rain"}
    asyncio.run(world.commit(BATCH))
    (letter,) = world.kafka.on(DLQ)
    assert (letter["stage"], letter["offset"]) == ("index", 1)
    assert "mapper_parsing_exception" in letter["reason"]
    assert sorted(d["id"] for d in world.kafka.on(ENRICHED)) == ["base", "port"]
    assert sorted(world.elastic.index(world.elastic.names.documents)) == ["base", "port"]  # never stored
    assert len(world.elastic.index(world.elastic.names.commits)) == 1  # the batch is committed all the same
    assert world.acked == 1
    assert own_metrics.get_sample_value("marsad_rejects_total", {"stage": "index"}) == 1
    assert own_metrics.get_sample_value("marsad_articles_total", {"outcome": "indexed"}) == 2


def test_documents_go_out_concurrently_and_corrections_after_them() -> None:
    """A late original corrects its reprint: the batch's new documents are one concurrent write, the
    correction of the stored reprint a write of its own after it (it may target a document of the same batch)."""
    body = "وصل وفد عسكري إلى قاعدة حميميم الجوية صباح اليوم في زيارة لم يعلن عنها مسبقا وفق مصادر محلية متطابقة"

    def dated(doc_id: str, published_at: str) -> bytes:
        article = {"id": doc_id, "title": "خبر", "body": body, "published_at": published_at}
        raw = json.dumps(article, ensure_ascii=False).encode("utf-8")
        (outcome,) = enricher().prepare([RawInput(raw, SourcePosition("test"))], NOW)
        assert isinstance(outcome, Prepared)
        return encode_prepared(outcome)

    world = World()
    asyncio.run(world.commit([dated("reprint", "2026-05-06T12:00:00Z")]))
    world.elastic.writes.clear()
    asyncio.run(world.commit([dated("original", "2026-05-06T08:00:00Z")]))
    documents = [write for write in world.elastic.writes if "update" in write[1] or write[0]]
    assert documents == [(True, ["index"]), (False, ["update"])]
    stored = world.elastic.index(world.elastic.names.documents)
    assert stored["reprint"]["duplicate_of"] == "original" and stored["original"]["duplicate_of"] is None


@pytest.mark.parametrize("crash_on", ["alerts", "mark"])
def test_a_batch_stopped_before_its_mark_is_redelivered_and_completed(crash_on: str) -> None:
    first = World()
    names = first.elastic.names
    first.elastic.crash_on = names.alerts if crash_on == "alerts" else names.commits
    with pytest.raises(Crash):
        asyncio.run(first.commit(BATCH))
    assert first.acked == 0
    assert set(first.elastic.index(names.documents)) == {"port", "rain", "base"}  # documents were written
    assert first.elastic.index(names.commits) == {}
    assert first.elastic.known_documents(["port", "rain", "base"]) == {}  # written, not committed

    # The next owner of the partition: a new decide state rebuilt from the same servers, the batch redelivered.
    second = World(first.elastic, first.kafka)
    asyncio.run(second.commit(BATCH))
    assert second.acked == 1
    assert second.stored_alerts() == [("hmeimim", "base"), ("tartus", "port")]  # once each in the index
    published = sorted((a["rule"], a["doc_id"]) for a in first.kafka.on(ALERTS))
    assert sorted(set(published)) == [("hmeimim", "base"), ("tartus", "port")]
    # On the topic at least once: stopped before the alerts index, the redelivered batch fires them again;
    # stopped after it, the rebuilt decider knows they fired.
    assert len(published) == (4 if crash_on == "alerts" else 2)


def test_a_mark_covers_only_the_documents_of_the_attempt_that_wrote_it() -> None:
    """A redelivered batch may be cut differently: the documents its first attempt wrote beyond the new cut
    stay uncommitted until they are decided again."""
    first = World()
    first.elastic.crash_on = first.elastic.names.commits
    with pytest.raises(Crash):
        asyncio.run(first.commit(BATCH))
    second = World(first.elastic, first.kafka)
    asyncio.run(second.commit(BATCH[:1]))
    assert set(first.elastic.known_documents(["port", "rain", "base"])) == {"port"}
    asyncio.run(second.commit(BATCH[1:]))
    assert set(first.elastic.known_documents(["port", "rain", "base"])) == {"port", "rain", "base"}
    assert second.stored_alerts() == [("hmeimim", "base"), ("tartus", "port")]


def test_a_batch_redelivered_after_its_mark_was_written_is_a_replay_and_writes_nothing() -> None:
    world = World()
    asyncio.run(world.commit(BATCH))
    before = (len(world.kafka.messages), {k: dict(v) for k, v in world.elastic.indices.items()})
    again = World(world.elastic, world.kafka)
    asyncio.run(again.commit(BATCH))
    assert (len(world.kafka.messages), world.elastic.indices) == before
    assert again.acked == 1


def test_a_step_that_fails_stops_the_sequence() -> None:
    calls: list[str] = []

    async def step(name: str, fail: bool = False) -> None:
        calls.append(name)
        if fail:
            raise RuntimeError(name)

    async def ok(batch: CommitBatch) -> None:
        await step("ok")

    async def broken(batch: CommitBatch) -> None:
        await step("broken", fail=True)

    async def never(batch: CommitBatch) -> None:
        await step("never")

    sequence = CommitSequence([("ok", ok), ("broken", broken), ("never", never)])
    decided = World().state.decide_batch([(BATCH[0], SourcePosition("x"))])
    with pytest.raises(RuntimeError):
        asyncio.run(sequence.run(CommitBatch(decided, {}, World().ack)))
    assert calls == ["ok", "broken"]

