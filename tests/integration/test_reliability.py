"""Issue 8's fault scenarios against the real servers (``reliability_scenarios.py``; ``scripts/reliability``
runs the same ones and writes RELIABILITY.md): nothing stalls, nothing is lost, nothing is stored twice."""

from __future__ import annotations

import asyncio
import signal
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from distributed_support import Worker, wait_until
from reliability_scenarios import (
    POISON,
    POISON_REASONS,
    Figures,
    agent_crash,
    articles,
    elasticsearch_down,
    encoded,
    failover,
    indexed_ids,
    killed_before_alerts,
    new_deployment,
    poison_records,
    produce_oversized,
    put_raw,
)

from marsad.workers.elastic.writer import ElasticWriter, elastic_client
from marsad.workers.settings import Settings

pytestmark = pytest.mark.integration


def assert_nothing_lost(figures: Figures, good: int) -> None:
    assert figures.indexed == good, figures
    assert figures.indexed_twice == 0, figures
    assert figures.alerts_lost == 0, figures
    assert "timed out" not in figures.note, figures


def test_each_poison_record_is_dead_lettered_with_its_reason_and_the_good_ones_indexed(
    services: Any, tmp_path: Path
) -> None:
    figures, letters = poison_records(services.kafka_bootstrap, services.elasticsearch_url, tmp_path, count=200)
    assert_nothing_lost(figures, 200)
    assert figures.alerts_doubled == 0
    assert figures.dead_lettered == len(POISON), letters
    reasons = [letter["reason"] for letter in letters]
    for name, reason in POISON_REASONS.items():
        assert sum(reason in text for text in reasons) == 1, (name, reasons)
    assert all(letter["offset"] is not None for letter in letters)
    big = next(letter for letter in letters if "prepared article too large" in letter["reason"])
    assert big["payload_truncated"] is True and big["payload_bytes"] > 1_000_000


def test_elasticsearch_down_mid_stream_then_back_loses_nothing_without_a_restart(services: Any, tmp_path: Path) -> None:
    figures = elasticsearch_down(services.kafka_bootstrap, services.elasticsearch_url, tmp_path, count=600, down_s=15)
    assert_nothing_lost(figures, 600)
    assert "worker alive during the outage: True" in figures.note


def test_a_worker_killed_between_documents_and_alerts_loses_no_alert(services: Any, tmp_path: Path) -> None:
    figures = killed_before_alerts(services.kafka_bootstrap, services.elasticsearch_url, tmp_path, count=300)
    assert_nothing_lost(figures, 300)


def test_an_agent_failure_exits_non_zero_and_a_restarted_worker_completes_the_batch(
    services: Any, tmp_path: Path
) -> None:
    figures, code = agent_crash(services.kafka_bootstrap, services.elasticsearch_url, tmp_path, count=150)
    assert code not in (0, None), "the worker must exit with a failure status, for its supervisor"
    assert_nothing_lost(figures, 150)


@pytest.mark.parametrize(("sig", "within_s"), [(signal.SIGTERM, 8.0), (signal.SIGKILL, 20.0)])
def test_the_survivor_takes_over_quickly(services: Any, tmp_path: Path, sig: signal.Signals, within_s: float) -> None:
    figures = failover(services.kafka_bootstrap, services.elasticsearch_url, tmp_path, sig)
    assert_nothing_lost(figures, 60)
    assert figures.recovery_s is not None and figures.recovery_s < within_s, figures


def test_produce_dead_letters_a_record_too_large_for_kafka_and_sends_the_rest_once(
    services: Any, tmp_path: Path
) -> None:
    figures = produce_oversized(services.kafka_bootstrap, services.elasticsearch_url, tmp_path, count=100)
    assert_nothing_lost(figures, 100)
    assert figures.dead_lettered == 1
    assert figures.note == "on the raw topic: 100, re-sent: 0", figures


def test_a_worker_never_writes_its_secrets_to_its_log_or_metrics(services: Any, tmp_path: Path) -> None:
    deployment = new_deployment(services.kafka_bootstrap, services.elasticsearch_url, "secrets")
    secret = "es-pw-" + uuid.uuid4().hex  # the servers run without security: the header is ignored
    good = articles(20, "secret")
    worker = Worker(
        deployment,
        tmp_path / "secret-worker.log",
        MARSAD_ELASTICSEARCH_USERNAME="marsad",
        MARSAD_ELASTICSEARCH_PASSWORD=secret,
    )
    try:
        wait_until(worker.serving, "the worker")
        put_raw(deployment, [encoded(record) for record in good])
        wait_until(lambda: {r["id"] for r in good} <= indexed_ids(deployment), "the articles")
        with urllib.request.urlopen(f"http://127.0.0.1:{worker.port}/metrics", timeout=5) as response:
            exported = response.read().decode()
    finally:
        worker.stop()
    assert secret not in worker.log() and secret not in exported


def test_a_bulk_request_refused_whole_is_retried_one_by_one(services: Any, unique_name: Any) -> None:
    """Elasticsearch refuses a whole bulk request over one id longer than 512 bytes: only that document is
    refused (once, though it has two actions), the others are stored."""
    settings = Settings(elasticsearch_url=services.elasticsearch_url, index_prefix=unique_name("bulk") + "-")
    writer = ElasticWriter(elastic_client(settings), settings)
    long_id = "x" * 600
    mark = {"committed_at": "2026-11-30T12:00:00+00:00"}
    actions = [
        {"_op_type": "index", "_index": writer.names.commits, "_id": doc_id, "_source": mark}
        for doc_id in ("a", long_id, "b", long_id)
    ]
    writer.ensure_commits_index()
    try:
        refused = asyncio.run(writer.write(actions))
        assert [item.doc_id for item in refused] == [long_id]
        assert "512" in refused[0].reason
        writer.client.indices.refresh(index=writer.names.commits)
        assert writer.client.count(index=writer.names.commits)["count"] == 2
    finally:
        writer.client.indices.delete(index=writer.names.commits)
