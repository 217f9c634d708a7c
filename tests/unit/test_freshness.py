"""The worker's freshness histograms and consumer-lag gauge (``workers/freshness.py``, ``workers/kafka/lag.py``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Mapping

import numpy as np
import pytest
from faust.types import TP
from prometheus_client import CollectorRegistry

from marsad.topics.records import Alert, EnrichedDocument
from marsad.workers import freshness, metrics
from marsad.workers.kafka.lag import ConsumerLag
from marsad.workers.pipeline import Processed
from marsad.workers.stages.dedup import Fingerprint

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def registry() -> Iterator[CollectorRegistry]:
    previous = metrics.default
    own = metrics.use(CollectorRegistry())
    yield own.registry
    metrics.default = previous


def sample(name: str, **labels: str) -> float | None:
    return metrics.default.registry.get_sample_value(name, labels)


def processed(
    doc_id: str, event_time: float, *, published: bool, fired: tuple[Alert, ...] = (), replay: bool = False
) -> Processed:
    document = EnrichedDocument(
        id=doc_id,
        source=None,
        url=None,
        title="",
        published_at="2026-01-01T00:00:00Z" if published else None,
        ingested_at="2026-01-01T00:00:00.000Z",
        body="نص",
        content_hash="h",
        duplicate_of=None,
        story_id=doc_id,
    )
    fingerprint = Fingerprint("h", np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint64))
    return Processed(document, fired, fingerprint, replay=replay, remembered=True, event_time=event_time)


def test_indexed_documents_are_timed_from_append_and_from_publication() -> None:
    now = time.time()
    batch = [
        processed("a", now - 3600, published=True),  # published an hour ago, appended 2 s ago
        processed("b", now - 1, published=False),  # event time = append time: no publication to count
        processed("c", now - 5, published=True, replay=True),  # nothing written
        processed("d", now - 5, published=True),  # refused by Elasticsearch
        processed("e", now + 600, published=True),  # a publisher's clock ahead of ours
    ]
    appended = {"a": now - 2, "b": now - 1, "c": now - 5, "d": now - 5, "e": now - 0.5}
    freshness.indexed(batch, appended, refused={"d"})
    assert sample("marsad_append_to_indexed_seconds_count") == 3  # a, b, e
    assert 3.5 - 0.5 <= (sample("marsad_append_to_indexed_seconds_sum") or 0) < 3.5 + 5
    assert sample("marsad_published_to_indexed_seconds_count") == 1
    assert 3600 <= (sample("marsad_published_to_indexed_seconds_sum") or 0) < 3600 + 5
    assert sample("marsad_published_to_indexed_seconds_bucket", le="900.0") == 0
    assert sample("marsad_published_to_indexed_seconds_bucket", le="3600.0") == 0
    assert sample("marsad_published_to_indexed_seconds_bucket", le="14400.0") == 1


def test_alerts_are_timed_only_when_sent_to_the_topic() -> None:
    now = time.time()
    tartus = Alert("tartus", "a", "a", ("طرطوس",), "2026-01-01T00:00:00.000Z")
    hmeimim = Alert("hmeimim", "a", "a", ("حميميم",), "2026-01-01T00:00:00.000Z")
    batch = [processed("a", now, published=False, fired=(tartus, hmeimim))]
    freshness.alerted(batch, {"a": now - 0.2}, sent={("tartus", "a")})
    assert sample("marsad_append_to_alert_seconds_count") == 1
    assert sample("marsad_append_to_alert_seconds_bucket", le="0.1") == 0
    assert sample("marsad_append_to_alert_seconds_bucket", le="5.0") == 1


class FakeConsumer:
    def __init__(self, ends: Mapping[TP, int]) -> None:
        self.ends = dict(ends)

    def assignment(self) -> set[TP]:
        return set(self.ends)

    async def highwaters(self, *partitions: TP) -> Mapping[TP, int]:
        return {tp: self.ends[tp] for tp in partitions}


def test_lag_is_what_was_appended_after_the_last_processed_record() -> None:
    raw0, raw1, prepared = TP("articles.raw", 0), TP("articles.raw", 1), TP("articles.prepared", 0)
    consumer = FakeConsumer({raw0: 120, raw1: 7, prepared: 50})
    lag = ConsumerLag()
    lag.processed(raw0, 99)
    lag.processed(raw0, 19)  # an older ack does not move the position back
    lag.processed(prepared, 49)
    asyncio.run(lag.report(consumer))  # type: ignore[arg-type]
    assert sample("marsad_consumer_lag_records", topic="articles.raw", partition="0") == 20
    assert sample("marsad_consumer_lag_records", topic="articles.prepared", partition="0") == 0
    assert sample("marsad_consumer_lag_records", topic="articles.raw", partition="1") is None  # nothing processed yet
    consumer.ends[prepared] = 80
    asyncio.run(lag.report(consumer))  # type: ignore[arg-type]
    assert sample("marsad_consumer_lag_records", topic="articles.prepared", partition="0") == 30
    lag.forget([prepared])
    assert sample("marsad_consumer_lag_records", topic="articles.prepared", partition="0") is None


def test_a_partition_revoked_while_its_end_offset_is_fetched_is_not_reported() -> None:
    raw0, raw1 = TP("articles.raw", 0), TP("articles.raw", 1)
    lag = ConsumerLag()
    lag.processed(raw0, 9)
    lag.processed(raw1, 9)

    class Rebalancing(FakeConsumer):
        async def highwaters(self, *partitions: TP) -> Mapping[TP, int]:
            lag.forget([raw1])  # the rebalance runs while the end offsets are on their way
            return await super().highwaters(*partitions)

    asyncio.run(lag.report(Rebalancing({raw0: 15, raw1: 15})))  # type: ignore[arg-type]
    assert sample("marsad_consumer_lag_records", topic="articles.raw", partition="0") == 5
    assert sample("marsad_consumer_lag_records", topic="articles.raw", partition="1") is None
