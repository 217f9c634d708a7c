"""The distributed path's benchmark, for ``scripts/bench``: Kafka + the Faust worker + Elasticsearch.

``run`` pushes the articles through a real worker process under a fresh topic/index prefix, in two phases,
each started once the worker's consumer group is stable (every partition assigned):
- burst (throughput): all but the last ``LATENCY_SAMPLE`` articles (at most a quarter) are pushed at once;
  ``e2e_docs_per_s`` = those articles / (first send → every one of them searchable). Latency in a burst is
  only the queue's backlog, so it is not reported from this phase.
- steady state (latency): the remaining articles are then pushed one by one at a steady rate,
  ``LATENCY_LOAD`` × the burst throughput (``e2e_steady_docs_per_s``), so the pipeline keeps up;
  ``e2e_p50_latency_s`` / ``e2e_p99_latency_s`` (= ``e2e_searchable_p99_latency_s``): produce → searchable per
  article, polled with an ``ids`` search every 50 ms (so the figures include Elasticsearch's 1 s refresh
  interval); ``e2e_alert_p50_latency_s`` / ``e2e_alert_p99_latency_s``: produce → its alert on the alerts
  topic, for the articles that fire one.
- ``worker_rss_mb``: the worker's peak resident memory (its processes summed) over both phases.
- ``naive_e2e_docs_per_s``: the burst again, under another fresh prefix, through what a careful user would
  write instead of the worker (``benchmarks/naive_e2e.py``: one kafka-python consumer loop calling marsad's own
  ``Enricher.prepare`` and ``StoryDecider.decide_batch`` and ``elasticsearch.helpers.bulk``).
- ``raw_bulk_docs_per_s``: the worker's enriched documents bulk-indexed straight into a fresh index of the
  same template: the ceiling Elasticsearch alone sets on this machine.
Everything it created (topics, indices, groups, processes) is removed afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, helpers
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from marsad.producer import RawPublisher
from marsad.topics.definitions import ALERTS, ALL_TOPICS
from marsad.topics.records import EnrichedDocument, RawInput, SourcePosition
from marsad.workers.elastic.templates import install_templates, news_alias
from marsad.workers.elastic.writer import SEARCH_COPIES, elastic_client
from marsad.workers.kafka.admin import ensure_topics
from marsad.workers.settings import Settings

REPO = Path(__file__).resolve().parent.parent
LATENCY_SAMPLE = 300  # articles sent at a steady rate for the latency figures (at most a quarter of them)
LATENCY_LOAD = 0.5  # the steady rate, as a fraction of the measured burst throughput
POLL_S = 0.05


def run(
    kafka_bootstrap: str,
    elasticsearch_url: str,
    articles: Sequence[dict[str, Any]],
    profile: Path | None = None,
    timeout_s: float = 600.0,
) -> dict[str, float]:
    """``articles`` are raw articles (CONTRACTS.md §1), each with a unique ``id``; with ``profile``, the
    worker is recorded with py-spy into that file (speedscope format) while it runs."""
    latency_articles = min(LATENCY_SAMPLE, len(articles) // 4)
    burst, steady = articles[: len(articles) - latency_articles], articles[len(articles) - latency_articles :]
    with _fresh(kafka_bootstrap, elasticsearch_url) as (settings, client):
        with _process([sys.executable, "-m", "marsad.cli", "worker"], settings) as worker:  # as `marsad worker`
            _wait_stable(settings, worker, timeout_s)
            with _profiled(worker.pid, profile):
                throughput = _burst(settings, client, burst, timeout_s)
                result = {"e2e_docs_per_s": throughput, "e2e_steady_docs_per_s": LATENCY_LOAD * throughput}
                result |= _steady(settings, client, steady, LATENCY_LOAD * throughput, timeout_s)
            result["worker_rss_mb"] = _peak_rss_mb(worker.pid)
        result["raw_bulk_docs_per_s"] = _raw_bulk(client, settings)
    with (
        _fresh(kafka_bootstrap, elasticsearch_url) as (settings, client),
        _process([sys.executable, "-m", "benchmarks.naive_e2e"], settings) as loop,
    ):
        install_templates(client, settings.index_prefix)
        _wait_stable(settings, loop, timeout_s)
        result["naive_e2e_docs_per_s"] = _burst(settings, client, burst, timeout_s)
    return result


@contextmanager
def _fresh(kafka_bootstrap: str, elasticsearch_url: str) -> Iterator[tuple[Settings, Elasticsearch]]:
    """Settings naming fresh topics, indices and a consumer group; all of them deleted on exit."""
    name = f"bench-{uuid.uuid4().hex[:8]}"
    settings = Settings(
        kafka_bootstrap=kafka_bootstrap,
        elasticsearch_url=elasticsearch_url,
        topic_prefix=f"{name}.",
        index_prefix=f"{name}-",
        consumer_group=name,
        http_port=_free_port(),
    )
    ensure_topics(kafka_bootstrap, settings.topic_prefix)
    client = elastic_client(settings)
    try:
        yield settings, client
    finally:
        created = list(client.indices.get(index=f"{name}-*", expand_wildcards="all"))
        if created:
            client.indices.delete(index=",".join(created))
        for template in (f"{name}-", f"{name}-raw-"):
            for base in ("news", "news-alerts"):
                client.options(ignore_status=404).indices.delete_index_template(name=f"{template}{base}")
        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        admin.delete_topics([spec.name(settings.topic_prefix) for spec in ALL_TOPICS])
        admin.close()


@contextmanager
def _process(command: list[str], settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    """``command`` run with ``settings`` as its MARSAD_* environment; stopped on exit, its log printed if it
    failed."""
    env = {
        "MARSAD_KAFKA_BOOTSTRAP": settings.kafka_bootstrap or "",
        "MARSAD_ELASTICSEARCH_URL": settings.elasticsearch_url or "",
        "MARSAD_TOPIC_PREFIX": settings.topic_prefix,
        "MARSAD_INDEX_PREFIX": settings.index_prefix,
        "MARSAD_CONSUMER_GROUP": settings.consumer_group,
        "MARSAD_HTTP_PORT": str(settings.http_port),
    }
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=REPO, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process
        except BaseException:
            log.seek(0)
            sys.stderr.write(log.read()[-4000:].decode("utf-8", errors="replace"))
            raise
        finally:
            process.terminate()
            process.wait(timeout=60)


@contextmanager
def _profiled(pid: int, profile: Path | None) -> Iterator[None]:
    if profile is None:
        yield
        return
    command = ["py-spy", "record", "--pid", str(pid), "--subprocesses", "--format", "speedscope", "-o", str(profile)]
    recorder = subprocess.Popen([str(Path(sys.executable).parent / command[0]), *command[1:]])
    try:
        yield
    finally:
        recorder.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        recorder.wait(timeout=120)


def _wait_stable(settings: Settings, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Until the consumer group has joined and every member has its partitions."""
    assert settings.kafka_bootstrap is not None
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
            group = admin.describe_groups([settings.consumer_group])[settings.consumer_group]
            if group.get("group_state") == "Stable" and group.get("members"):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the consumer group {settings.consumer_group} did not stabilise")
            time.sleep(0.2)
    finally:
        admin.close()


def _burst(settings: Settings, client: Elasticsearch, articles: Sequence[dict[str, Any]], timeout_s: float) -> float:
    """Push every article at once; docs/s from the first send until all are searchable."""
    alias = news_alias(settings.index_prefix)
    publisher = RawPublisher(settings)
    try:
        started = time.perf_counter()
        publisher.publish(_raw(article) for article in articles)
        deadline = started + timeout_s
        while (count := _count(client, alias)) < len(articles):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"only {count} of {len(articles)} documents searchable")
            time.sleep(POLL_S)
        return len(articles) / (time.perf_counter() - started)
    finally:
        publisher.close()


def _steady(
    settings: Settings, client: Elasticsearch, articles: Sequence[dict[str, Any]], rate: float, timeout_s: float
) -> dict[str, float]:
    """Send ``articles`` at ``rate`` per second while polling for them (searchable) and for their alerts."""
    alias = news_alias(settings.index_prefix)
    publisher = RawPublisher(settings)
    alerts = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap)
    partition = TopicPartition(ALERTS.name(settings.topic_prefix), 0)
    alerts.assign([partition])
    alerts.seek_to_end(partition)
    alerts.position(partition)  # resolves the end offset now, before anything is sent
    sent_at: dict[str, float] = {}
    searchable: dict[str, float] = {}
    alerted: dict[str, float] = {}
    started = time.perf_counter()
    deadline = started + len(articles) / rate + timeout_s
    next_poll = started
    try:
        while len(searchable) < len(articles):
            now = time.perf_counter()
            if now > deadline:
                raise TimeoutError(f"only {len(searchable)} of {len(articles)} steady-state documents searchable")
            due = articles[len(sent_at) : int((now - started) * rate) + 1]
            if due:
                sent_at.update((str(article["id"]), now) for article in due)
                publisher.publish(_raw(article) for article in due)
            for records in alerts.poll(timeout_ms=0).values():
                received = time.perf_counter()
                for record in records:
                    doc_id = json.loads(record.value)["doc_id"]
                    if doc_id in sent_at:
                        alerted.setdefault(doc_id, received)
            if now >= next_poll:
                pending = [doc_id for doc_id in sent_at if doc_id not in searchable]
                if pending:
                    found = client.search(
                        index=alias, query={"ids": {"values": pending}}, size=len(pending), source=False
                    )
                    polled = time.perf_counter()
                    searchable.update((hit["_id"], polled) for hit in found["hits"]["hits"])
                next_poll = now + POLL_S
            time.sleep(min(POLL_S, 1 / rate))
        # An alert is sent before its document is searchable; a last look for the latest ones.
        for records in alerts.poll(timeout_ms=int(1000 * POLL_S)).values():
            for record in records:
                alerted.setdefault(json.loads(record.value)["doc_id"], time.perf_counter())
    finally:
        publisher.close()
        alerts.close()
    to_searchable = sorted(searchable[doc_id] - sent_at[doc_id] for doc_id in sent_at)
    to_alert = sorted(alerted[doc_id] - sent_at[doc_id] for doc_id in alerted if doc_id in sent_at)
    if not to_alert:
        raise RuntimeError("no steady-state article fired an alert: no alert latency to report")
    return {
        "e2e_p50_latency_s": statistics.median(to_searchable),
        "e2e_p99_latency_s": _p99(to_searchable),
        "e2e_searchable_p99_latency_s": _p99(to_searchable),
        "e2e_alert_p50_latency_s": statistics.median(to_alert),
        "e2e_alert_p99_latency_s": _p99(to_alert),
        "e2e_alert_samples": len(to_alert),
    }


def _p99(ordered: Sequence[float]) -> float:
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def _peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process and its descendants, summed, in MB."""
    total_kb = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        proc = Path(f"/proc/{current}")
        try:
            status = (proc / "status").read_text()
            children = (proc / "task" / str(current) / "children").read_text().split()
        except OSError:
            continue  # exited meanwhile
        total_kb += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
        pending.extend(int(child) for child in children)
    return total_kb / 1024


def _raw(article: dict[str, Any]) -> RawInput:
    return RawInput(json.dumps(article, ensure_ascii=False).encode("utf-8"), SourcePosition("bench"))


def _raw_bulk(client: Elasticsearch, settings: Settings) -> float:
    """Bulk-index the run's enriched documents (searchable fields only) into a fresh index of the same
    template; docs/s."""
    searchable_fields = [field.name for field in fields(EnrichedDocument)] + list(SEARCH_COPIES)
    documents = [
        hit["_source"]
        for hit in helpers.scan(client, index=news_alias(settings.index_prefix), _source_includes=searchable_fields)
    ]
    prefix = f"{settings.index_prefix}raw-"
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
