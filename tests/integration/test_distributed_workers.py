"""Two worker processes on a 4-partition raw topic (issue 3, item 3).

Every seed gets a near-duplicate keyed so that it lands on another raw partition than its original; both
workers prepare, one decides. Duplicates must be linked across partitions and every story must alert once.
Then the deciding worker stops: the other takes the decide partition over, rebuilds its state from
Elasticsearch, and still links a late near-duplicate to its original without alerting again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from distributed_support import (
    EXPECTED_ALERTS,
    NEAR_DUPLICATE,
    ORIGINAL,
    SEED_IDS,
    SEEDS,
    Deployment,
    Worker,
    es_alerts,
    es_documents,
    group_caught_up,
    jsonl,
    topic_messages,
    wait_until,
    workers,
)
from kafka.partitioner.default import murmur2

from marsad.producer import produce
from marsad.topics.definitions import ALERTS, PREPARED, RAW

pytestmark = pytest.mark.integration


def partition_of(key: str) -> int:
    """The raw partition a key lands on (the Java client's and kafka-python's default partitioner)."""
    return (murmur2(key.encode("utf-8")) & 0x7FFFFFFF) % RAW.partitions


def copy_of_seed(path: Path) -> dict[str, str]:
    """A near-duplicate of a seed, made at test time: one word changed, a boilerplate line added, and an id
    that puts it on another raw partition than the seed."""
    title, _, body = path.read_text(encoding="utf-8").strip().partition("\n")
    changed = re.sub(r"\bاليوم\b", "أمس", body, count=1) if "اليوم" in body else body.replace(" في ", " بـ ", 1)
    doc_id = next(
        candidate for n in range(100) if partition_of(candidate := f"copy-{path.stem}-{n}") != partition_of(path.stem)
    )
    return {"id": doc_id, "title": title, "body": changed + "\nاقرأ أيضاً: تطورات أخرى في المنطقة"}


@pytest.fixture
def deployment(make_deployment: Callable[[str], Deployment]) -> Deployment:
    return make_deployment("multi")


def deciding(pair: list[Worker]) -> Worker:
    owners = [worker for worker in pair if worker.metric("marsad_worker_batch_size_count", agent="decide") > 0]
    assert len(owners) == 1, "exactly one worker must have run the decide agent"
    return owners[0]


def test_two_workers_catch_near_duplicates_across_partitions(deployment: Deployment, tmp_path: Path) -> None:
    copies = [copy_of_seed(path) for path in sorted(SEEDS.glob("*.txt"))]
    originals_file, copies_file = tmp_path / "originals.jsonl", tmp_path / "copies.jsonl"
    late_file = tmp_path / "late.jsonl"
    originals_file.write_bytes(jsonl(ORIGINAL))
    copies_file.write_bytes(jsonl(*copies))
    late_file.write_bytes(jsonl(NEAR_DUPLICATE))
    settings = deployment.settings()
    with workers(deployment, tmp_path, count=2) as pair:
        assert produce(settings, [str(SEEDS), str(originals_file)], follow=False) == 0
        wait_until(lambda: len(es_documents(deployment)) == len(SEED_IDS) + 1, "the originals")
        assert produce(settings, [str(copies_file)], follow=False) == 0
        wait_until(lambda: len(es_documents(deployment)) == 2 * len(SEED_IDS) + 1, "the copies")
        wait_until(lambda: group_caught_up(deployment, settings.consumer_group, (RAW, PREPARED)), "offset commits")

        documents = es_documents(deployment)
        for seed_id, copy in zip(SEED_IDS, copies, strict=True):
            assert documents[copy["id"]]["duplicate_of"] == seed_id
            assert documents[copy["id"]]["story_id"] == documents[seed_id]["story_id"]
        for worker in pair:  # the stateless half ran on both
            assert worker.metric("marsad_worker_batch_size_count", agent="prepare") > 0
        owner = deciding(pair)

        owner.stop()  # the survivor takes the decide partition over and rebuilds from Elasticsearch
        (survivor,) = [worker for worker in pair if worker is not owner]
        assert produce(settings, [str(late_file)], follow=False) == 0
        wait_until(lambda: NEAR_DUPLICATE["id"] in es_documents(deployment), "the late near-duplicate", timeout=180)
        assert survivor.metric("marsad_worker_batch_size_count", agent="decide") > 0

    documents = es_documents(deployment)
    assert documents[NEAR_DUPLICATE["id"]]["duplicate_of"] == ORIGINAL["id"]
    assert documents[NEAR_DUPLICATE["id"]]["story_id"] == documents[ORIGINAL["id"]]["story_id"]
    indexed = es_alerts(deployment)
    assert len(indexed) == len(EXPECTED_ALERTS)
    assert {(alert["rule"], alert["doc_id"]) for alert in indexed} == EXPECTED_ALERTS
    published = [json.loads(value) for _, value in topic_messages(deployment, ALERTS)]
    assert sorted((a["rule"], a["doc_id"]) for a in published) == sorted(EXPECTED_ALERTS)
