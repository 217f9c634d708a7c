"""The broker that scripts/services starts works with both Kafka clients marsad uses.

kafka-python (producer side, admin) and aiokafka (what faust-streaming runs on) must interoperate on it:
topics created with partitions, acks=all produce, consumer groups with manual offset commits, and each
client reading what the other wrote.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic

pytestmark = pytest.mark.integration

PARTITIONS = 3
ARTICLES = [
    {"id": "kp-1", "title": "افتتاح معرض الكتاب", "body": "افتُتح معرض الكتاب في الرياض بمشاركة مئات دور النشر."},
    {"id": "kp-2", "title": "أمطار غزيرة", "body": "هطلت أمطار غزيرة على مدينة طرطوس الساحلية مساء أمس."},
    {"id": "kp-3", "title": "مباراة الديربي", "body": "انتهت مباراة الديربي بالتعادل الإيجابي هدفين لكل فريق."},
    {"id": "kp-4", "title": "سعر الصرف", "body": "استقر سعر صرف الليرة في السوق الموازية خلال الأسبوع الماضي."},
    {"id": "kp-5", "title": "مهرجان المسرح", "body": "اختُتم مهرجان المسرح العربي في تونس بتكريم عدد من الفنانين."},
    {"id": "kp-6", "title": "رحلات جوية", "body": "استأنفت شركة الطيران رحلاتها بين عمّان والقاهرة بعد توقف دام شهرين."},
]
POLL_DEADLINE_S = 30.0


def encode(article: dict[str, str]) -> bytes:
    return json.dumps(article, ensure_ascii=False).encode("utf-8")


@pytest.fixture
def admin(services: Any) -> Iterator[KafkaAdminClient]:
    client = KafkaAdminClient(bootstrap_servers=services.kafka_bootstrap, client_id="marsad-tests")
    yield client
    client.close()


@pytest.fixture
def topic(admin: KafkaAdminClient, unique_name: Callable[[str], str]) -> Iterator[str]:
    name = unique_name("marsad-test-articles")
    admin.create_topics([NewTopic(name=name, num_partitions=PARTITIONS, replication_factor=1)])
    yield name
    admin.delete_topics([name])


def produce_with_kafka_python(bootstrap: str, topic: str, articles: list[dict[str, str]]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    try:
        for article in articles:
            producer.send(topic, key=article["id"].encode(), value=encode(article)).get(timeout=10)
    finally:
        producer.close()


async def produce_with_aiokafka(bootstrap: str, topic: str, articles: list[dict[str, str]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for article in articles:
            await producer.send_and_wait(topic, key=article["id"].encode(), value=encode(article))
    finally:
        await producer.stop()


async def consume_with_aiokafka(bootstrap: str, topic: str, group: str, count: int) -> list[dict[str, str]]:
    """Read ``count`` records as a member of ``group``, then commit their offsets by hand."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    received: list[dict[str, str]] = []
    try:
        deadline = asyncio.get_running_loop().time() + POLL_DEADLINE_S
        while len(received) < count and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=1000)
            for records in batches.values():
                received.extend(json.loads(record.value) for record in records if record.value is not None)
        await consumer.commit()
    finally:
        await consumer.stop()
    return received


def consume_with_kafka_python(bootstrap: str, topic: str, group: str, count: int) -> list[dict[str, str]]:
    """Read ``count`` records as a member of ``group``, then commit their offsets by hand."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    received: list[dict[str, str]] = []
    try:
        for _ in range(int(POLL_DEADLINE_S)):
            for records in consumer.poll(timeout_ms=1000).values():
                received.extend(json.loads(record.value) for record in records)
            if len(received) >= count:
                break
        consumer.commit()
    finally:
        consumer.close()
    return received


def committed_offsets(bootstrap: str, topic: str, group: str) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    try:
        return {partition: consumer.committed(TopicPartition(topic, partition)) or 0 for partition in range(PARTITIONS)}
    finally:
        consumer.close()


def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        ends = consumer.end_offsets([TopicPartition(topic, partition) for partition in range(PARTITIONS)])
        return {tp.partition: offset for tp, offset in ends.items()}
    finally:
        consumer.close()


def by_id(articles: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {article["id"]: article for article in articles}


def test_admin_creates_topic_with_its_partitions_seen_by_both_clients(
    admin: KafkaAdminClient, topic: str, services: Any
) -> None:
    (description,) = admin.describe_topics([topic])
    assert len(description["partitions"]) == PARTITIONS

    async def aiokafka_partitions() -> set[int] | None:
        producer = AIOKafkaProducer(bootstrap_servers=services.kafka_bootstrap)
        await producer.start()
        try:
            return await producer.partitions_for(topic)
        finally:
            await producer.stop()

    assert asyncio.run(aiokafka_partitions()) == set(range(PARTITIONS))


def test_kafka_python_acks_all_records_are_consumed_by_an_aiokafka_group_that_commits(
    topic: str, services: Any, unique_name: Callable[[str], str]
) -> None:
    bootstrap, group = services.kafka_bootstrap, unique_name("marsad-test-group")
    first, later = ARTICLES[:4], ARTICLES[4:]

    produce_with_kafka_python(bootstrap, topic, first)
    received = asyncio.run(consume_with_aiokafka(bootstrap, topic, group, len(first)))

    assert by_id(received) == by_id(first)
    assert committed_offsets(bootstrap, topic, group) == end_offsets(bootstrap, topic)

    # a restarted member of the group resumes after the committed offsets
    produce_with_kafka_python(bootstrap, topic, later)
    assert by_id(asyncio.run(consume_with_aiokafka(bootstrap, topic, group, len(later)))) == by_id(later)


def test_aiokafka_acks_all_records_are_consumed_by_a_kafka_python_group_that_commits(
    topic: str, services: Any, unique_name: Callable[[str], str]
) -> None:
    bootstrap, group = services.kafka_bootstrap, unique_name("marsad-test-group")
    first, later = ARTICLES[:4], ARTICLES[4:]

    asyncio.run(produce_with_aiokafka(bootstrap, topic, first))
    received = consume_with_kafka_python(bootstrap, topic, group, len(first))

    assert by_id(received) == by_id(first)
    assert committed_offsets(bootstrap, topic, group) == end_offsets(bootstrap, topic)

    asyncio.run(produce_with_aiokafka(bootstrap, topic, later))
    assert by_id(consume_with_kafka_python(bootstrap, topic, group, len(later))) == by_id(later)


def test_records_with_one_key_share_a_partition_whichever_client_wrote_them(topic: str, services: Any) -> None:
    """marsad keys messages by article id: both clients must hash keys to partitions alike (murmur2)."""
    bootstrap = services.kafka_bootstrap
    produce_with_kafka_python(bootstrap, topic, ARTICLES)
    asyncio.run(produce_with_aiokafka(bootstrap, topic, ARTICLES))

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest", consumer_timeout_ms=5000)
    consumer.assign([TopicPartition(topic, partition) for partition in range(PARTITIONS)])
    partitions_by_key: dict[bytes, set[int]] = {}
    try:
        for read, record in enumerate(consumer, start=1):
            partitions_by_key.setdefault(record.key, set()).add(record.partition)
            if read == 2 * len(ARTICLES):
                break
    finally:
        consumer.close()

    assert set(partitions_by_key) == {article["id"].encode() for article in ARTICLES}
    assert all(len(partitions) == 1 for partitions in partitions_by_key.values())
