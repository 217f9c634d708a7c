"""The worker's freshness and lag metrics on /metrics, after a real run (Kafka, the worker, Elasticsearch)."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from distributed_support import (
    EXPECTED_ALERTS,
    ORIGINAL,
    SEED_IDS,
    SEEDS,
    Deployment,
    Worker,
    es_documents,
    group_caught_up,
    jsonl,
    wait_until,
    workers,
)

from marsad.producer import produce
from marsad.topics.definitions import PREPARED, RAW

pytestmark = pytest.mark.integration


def test_documents_alerts_and_lag_are_measured(make_deployment: Callable[[str], Deployment], tmp_path: Path) -> None:
    deployment = make_deployment("fresh")
    samples = tmp_path / "samples.jsonl"
    samples.write_bytes(jsonl(ORIGINAL))  # the only article that gives published_at
    settings = deployment.settings()
    with workers(deployment, tmp_path) as (worker,):
        assert produce(settings, [str(SEEDS), str(samples)], follow=False) == 0
        indexed = {*SEED_IDS, ORIGINAL["id"]}
        wait_until(lambda: set(es_documents(deployment)) == indexed, "every article to be indexed")
        wait_until(lambda: group_caught_up(deployment, settings.consumer_group, (RAW, PREPARED)), "offset commits")
        assert worker.metric("marsad_append_to_indexed_seconds_count") == len(indexed)
        assert worker.metric("marsad_published_to_indexed_seconds_count") == 1
        assert worker.metric("marsad_append_to_alert_seconds_count") == len(EXPECTED_ALERTS)
        # Every record was appended and processed within this test's deadline.
        assert worker.metric("marsad_append_to_indexed_seconds_bucket", le="60.0") == len(indexed)
        assert worker.metric("marsad_append_to_alert_seconds_bucket", le="60.0") == len(EXPECTED_ALERTS)
        # Published days before it was indexed.
        assert worker.metric("marsad_published_to_indexed_seconds_bucket", le="86400.0") == 0
        # Lag is refreshed every 5 s: every partition the worker processed reports, and all are caught up.
        prepared_lag = {"topic": deployment.topic(PREPARED), "partition": "0"}
        wait_until(lambda: _series(worker, "marsad_consumer_lag_records", prepared_lag) == [0.0], "prepared lag")
        raw_lags = _series(worker, "marsad_consumer_lag_records", {"topic": deployment.topic(RAW)})
        assert raw_lags and set(raw_lags) == {0.0}
        assert worker.metric("marsad_worker_batch_size_count", agent="decide") >= 1


def _series(worker: Worker, name: str, labels: dict[str, str]) -> list[float]:
    """The values of every series of ``name`` carrying these labels."""
    with urllib.request.urlopen(f"http://127.0.0.1:{worker.port}/metrics", timeout=5) as response:
        lines = response.read().decode().splitlines()
    wanted = [f'{key}="{value}"' for key, value in labels.items()]
    return [
        float(line.rsplit(" ", 1)[1])
        for line in lines
        if line.startswith(name + "{") and all(label in line for label in wanted)
    ]
