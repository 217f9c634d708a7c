"""The distributed path's benchmark, for ``scripts/bench``: Kafka + one Faust worker + Elasticsearch.

``run`` pushes the articles through a real worker process under a fresh topic/index prefix, in two phases:
- burst (throughput): all but the last ``LATENCY_SAMPLE`` articles (at most a quarter) are pushed at once;
  ``e2e_docs_per_s`` = those articles / (first send → every one of them searchable). Latency in a burst is
  only the queue's backlog, so it is not reported from this phase.
- steady state (latency): the remaining articles are then pushed one by one at a steady rate,
  ``LATENCY_LOAD`` × the burst throughput (``e2e_steady_docs_per_s``), so the pipeline keeps up;
  ``e2e_p50_latency_s`` / ``e2e_p99_latency_s``: produce → searchable per article, polled with an ``ids``
  search every 50 ms (so the figures include Elasticsearch's 1 s refresh interval).
- ``raw_bulk_docs_per_s``: the same enriched documents bulk-indexed straight into a fresh index of the same
  template: the ceiling Elasticsearch alone sets on this machine.
Everything it created (topics, indices, the worker) is removed afterwards.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, helpers
from kafka import KafkaAdminClient

from marsad.producer import RawPublisher
from marsad.topics.definitions import ALL_TOPICS
from marsad.topics.records import RawInput, SourcePosition
from marsad.workers.elastic.templates import install_templates, news_alias
from marsad.workers.elastic.writer import elastic_client
from marsad.workers.settings import Settings

REPO = Path(__file__).resolve().parent.parent
LATENCY_SAMPLE = 300  # articles sent at a steady rate for the latency figures (at most a quarter of them)
LATENCY_LOAD = 0.7  # the steady rate, as a fraction of the measured burst throughput
POLL_S = 0.05


def run(
    kafka_bootstrap: str, elasticsearch_url: str, articles: Sequence[dict[str, Any]], timeout_s: float = 600.0
) -> dict[str, float]:
    """``articles`` are raw articles (docs/interfaces.md §1), each with a unique ``id``."""
    name = f"bench-{uuid.uuid4().hex[:8]}"
    env = {
        "MARSAD_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "MARSAD_ELASTICSEARCH_URL": elasticsearch_url,
        "MARSAD_TOPIC_PREFIX": f"{name}.",
        "MARSAD_INDEX_PREFIX": f"{name}-",
        "MARSAD_CONSUMER_GROUP": name,
        "MARSAD_HTTP_PORT": str(_free_port()),
    }
    settings = Settings(
        kafka_bootstrap=kafka_bootstrap,
        elasticsearch_url=elasticsearch_url,
        topic_prefix=f"{name}.",
        index_prefix=f"{name}-",
        consumer_group=name,
    )
    client = elastic_client(settings)
    with tempfile.TemporaryFile() as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "marsad.workers.kafka.agents"],
            cwd=REPO,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_serving(int(env["MARSAD_HTTP_PORT"]), worker, timeout_s)
            result = _measure(settings, client, articles, timeout_s)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    try:
        result["raw_bulk_docs_per_s"] = _raw_bulk(client, settings, f"{name}-raw-")
    finally:
        created = list(client.indices.get(index=f"{name}-*", expand_wildcards="all"))
        if created:
            client.indices.delete(index=",".join(created))
        for template in (f"{name}-", f"{name}-raw-"):
            for base in ("news", "news-alerts"):
                client.options(ignore_status=404).indices.delete_index_template(name=f"{template}{base}")
        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        admin.delete_topics([spec.name(f"{name}.") for spec in ALL_TOPICS])
        admin.close()
    return result


def _measure(
    settings: Settings, client: Elasticsearch, articles: Sequence[dict[str, Any]], timeout_s: float
) -> dict[str, float]:
    latency_articles = min(LATENCY_SAMPLE, len(articles) // 4)
    burst, steady = articles[: len(articles) - latency_articles], articles[len(articles) - latency_articles :]
    alias = news_alias(settings.index_prefix)
    publisher = RawPublisher(settings)
    try:
        started = time.perf_counter()
        publisher.publish(_raw(article) for article in burst)
        deadline = started + timeout_s
        while (count := _count(client, alias)) < len(burst):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"only {count} of {len(burst)} documents searchable")
            time.sleep(POLL_S)
        throughput = len(burst) / (time.perf_counter() - started)
        rate = LATENCY_LOAD * throughput
        latencies = _steady_latencies(publisher, client, alias, steady, rate, timeout_s)
    finally:
        publisher.close()
    return {
        "e2e_docs_per_s": throughput,
        "e2e_steady_docs_per_s": rate,
        "e2e_p50_latency_s": statistics.median(latencies),
        "e2e_p99_latency_s": latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))],
    }


def _steady_latencies(
    publisher: RawPublisher,
    client: Elasticsearch,
    alias: str,
    articles: Sequence[dict[str, Any]],
    rate: float,
    timeout_s: float,
) -> list[float]:
    """Send ``articles`` at ``rate`` per second while polling for them; produce → searchable, sorted."""
    sent_at: dict[str, float] = {}
    searchable: dict[str, float] = {}
    started = time.perf_counter()
    deadline = started + len(articles) / rate + timeout_s
    next_poll = started
    while len(searchable) < len(articles):
        now = time.perf_counter()
        if now > deadline:
            raise TimeoutError(f"only {len(searchable)} of {len(articles)} steady-state documents searchable")
        due = articles[len(sent_at) : int((now - started) * rate) + 1]
        if due:
            sent_at.update((str(article["id"]), now) for article in due)
            publisher.publish(_raw(article) for article in due)
        if now >= next_poll:
            pending = [doc_id for doc_id in sent_at if doc_id not in searchable]
            if pending:
                found = client.search(index=alias, query={"ids": {"values": pending}}, size=len(pending), source=False)
                polled = time.perf_counter()
                searchable.update((hit["_id"], polled) for hit in found["hits"]["hits"])
            next_poll = now + POLL_S
        time.sleep(min(POLL_S, 1 / rate))
    return sorted(searchable[doc_id] - sent_at[doc_id] for doc_id in sent_at)


def _raw(article: dict[str, Any]) -> RawInput:
    return RawInput(json.dumps(article, ensure_ascii=False).encode("utf-8"), SourcePosition("bench"))


def _raw_bulk(client: Elasticsearch, settings: Settings, prefix: str) -> float:
    """Bulk-index the run's enriched documents into a fresh index of the same template; docs/s."""
    documents = [hit["_source"] for hit in helpers.scan(client, index=news_alias(settings.index_prefix))]
    install_templates(client, prefix)
    alias = news_alias(prefix)
    actions = ({"_index": alias, "_id": document["id"], "_source": document} for document in documents)
    started = time.perf_counter()
    helpers.bulk(client, actions, chunk_size=settings.bulk_max_docs, max_chunk_bytes=settings.bulk_max_bytes)
    client.indices.refresh(index=alias)
    return len(documents) / (time.perf_counter() - started)


def _count(client: Elasticsearch, alias: str) -> int:
    return int(client.count(index=alias, ignore_unavailable=True)["count"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_serving(port: int, worker: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited with {worker.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError("the worker did not start") from None
            time.sleep(0.5)
