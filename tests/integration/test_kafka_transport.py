"""The worker's consumer seeks a partition nobody committed to its first record after a rebalance, so records it
fetched while Faust's flow was stopped (and dropped) are read again (workers/kafka/transport.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic

from marsad.workers.kafka.transport import seek_to_committed_or_beginning

pytestmark = pytest.mark.integration

RECORDS = 10
COMMITTED = 4


async def _positions_after_reading_everything(
    bootstrap: str, topic: str, seek: Callable[[AIOKafkaConsumer], Any]
) -> dict[int, int]:
    """Partition 0 committed at COMMITTED, partition 1 never committed; both read to their end, then ``seek``."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for partition in (0, 1):
            for n in range(RECORDS):
                await producer.send_and_wait(topic, f"{partition}-{n}".encode(), partition=partition)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=f"{topic}-group", auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        tps = [TopicPartition(topic, 0), TopicPartition(topic, 1)]
        consumer.assign(tps)
        await consumer.commit({tps[0]: COMMITTED})
        await consumer.seek_to_beginning(*tps)
        fetched = 0
        while fetched < 2 * RECORDS:
            batches = await consumer.getmany(timeout_ms=1000)
            fetched += sum(len(records) for records in batches.values())
        await seek(consumer)
        return {tp.partition: await consumer.position(tp) for tp in tps}
    finally:
        await consumer.stop()


@pytest.fixture
def two_partition_topic(services: Any, unique_name: Callable[[str], str]) -> Any:
    name = unique_name("transport")
    admin = KafkaAdminClient(bootstrap_servers=services.kafka_bootstrap)
    admin.create_topics([NewTopic(name, num_partitions=2, replication_factor=1)])
    yield name
    admin.delete_topics([name])
    admin.close()


def test_a_partition_nobody_committed_is_read_again_from_its_first_record(
    services: Any, two_partition_topic: str
) -> None:
    positions = asyncio.run(
        _positions_after_reading_everything(
            services.kafka_bootstrap, two_partition_topic, seek_to_committed_or_beginning
        )
    )
    assert positions == {0: COMMITTED, 1: 0}


def test_aiokafkas_own_seek_leaves_that_partition_past_its_records(services: Any, two_partition_topic: str) -> None:
    """What the correction is for: without it the uncommitted partition stays at its end."""

    async def seek_to_committed(consumer: AIOKafkaConsumer) -> None:
        await consumer.seek_to_committed()

    positions = asyncio.run(
        _positions_after_reading_everything(services.kafka_bootstrap, two_partition_topic, seek_to_committed)
    )
    assert positions == {0: COMMITTED, 1: RECORDS}
