"""Elasticsearch refusing writes for a while loses nothing: the batch is retried and stays unacked.

The news index gets a write block (Elasticsearch answers, but refuses every document), the seeds are produced,
and the worker is stopped while it is still retrying. Faust's ``take`` would ack that batch on the way out;
marsad's worker must not. After the block is lifted a new worker (same group) indexes every seed, and every
story alerts once, in the index and on the topic.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from distributed_support import (
    EXPECTED_ALERTS,
    ORIGINAL,
    SEED_IDS,
    SEEDS,
    Deployment,
    es_alerts,
    es_documents,
    group_caught_up,
    jsonl,
    topic_messages,
    wait_until,
    workers,
)
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from marsad.producer import produce
from marsad.topics.definitions import ALERTS, PREPARED, RAW

pytestmark = pytest.mark.integration


def committed_and_end(deployment: Deployment, group: str) -> tuple[int, int]:
    """The group's committed offset on the decide partition, and that partition's end offset."""
    partition = TopicPartition(deployment.topic(PREPARED), 0)
    admin = KafkaAdminClient(bootstrap_servers=deployment.kafka_bootstrap)
    consumer = KafkaConsumer(bootstrap_servers=deployment.kafka_bootstrap)
    try:
        committed = admin.list_group_offsets(group).get(group, {}).get(partition)
        return (committed.offset if committed else 0), consumer.end_offsets([partition])[partition]
    finally:
        consumer.close()
        admin.close()


def test_a_refused_batch_is_not_acked_and_is_indexed_after_a_restart(
    make_deployment: Callable[[str], Deployment], tmp_path: Path
) -> None:
    deployment = make_deployment("outage")
    settings = deployment.settings()
    news = f"{deployment.name}-news"
    first = tmp_path / "first.jsonl"
    first.write_bytes(jsonl(ORIGINAL))
    client = deployment.es()
    (tmp_path / "before").mkdir()
    with workers(deployment, tmp_path / "before") as (worker,):
        assert produce(settings, [str(first)], follow=False) == 0
        wait_until(lambda: ORIGINAL["id"] in es_documents(deployment), "the first article")
        wait_until(lambda: group_caught_up(deployment, settings.consumer_group, (RAW, PREPARED)), "its commit")

        client.indices.add_block(index=news, block="write")
        try:
            assert produce(settings, [str(SEEDS)], follow=False) == 0
            wait_until(lambda: worker.metric("marsad_elasticsearch_bulk_failures_total") >= 2, "retried bulk writes")
            time.sleep(4)  # longer than Faust's commit interval (2.8 s): a wrongly acked batch would be committed
            committed, end = committed_and_end(deployment, settings.consumer_group)
            assert committed < end, "the refused batch must not be committed"
            worker.stop()  # graceful stop while retrying: prompt, and the batch must stay unacked
            assert worker.process.returncode == 0, "the worker did not stop by itself"
            assert committed_and_end(deployment, settings.consumer_group)[0] == committed
            assert set(es_documents(deployment)) == {ORIGINAL["id"]}
            assert not [a for a in topic_messages(deployment, ALERTS) if json.loads(a[1])["doc_id"] in SEED_IDS]
        finally:
            client.indices.put_settings(index=news, settings={"index.blocks.write": False})

    (tmp_path / "after").mkdir()
    with workers(deployment, tmp_path / "after"):
        wait_until(lambda: set(es_documents(deployment)) == {ORIGINAL["id"], *SEED_IDS}, "every seed after restart")
        wait_until(lambda: group_caught_up(deployment, settings.consumer_group, (RAW, PREPARED)), "the commits")
    indexed = es_alerts(deployment)
    assert sorted((a["rule"], a["doc_id"]) for a in indexed) == sorted(EXPECTED_ALERTS)
    published = [json.loads(value) for _, value in topic_messages(deployment, ALERTS)]
    assert sorted((a["rule"], a["doc_id"]) for a in published) == sorted(EXPECTED_ALERTS)
