"""Helpers for the distributed-path tests (``test_distributed_*.py``): real worker processes, real Kafka,
real Elasticsearch, each test with its own topic/index prefix and consumer group."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from elastic_support import remove_prefixed
from elasticsearch import Elasticsearch, helpers
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from marsad.topics.definitions import TopicSpec
from marsad.workers.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_IDS = sorted(path.stem for path in SEEDS.glob("*.txt"))
DEADLINE_S = 120.0
POLL_S = 0.2  # between checks of wait_until: a test ends soon after its condition holds

# Our own test articles. The original says «بطرطوس» (never the bare «طرطوس», not even in its title);
# the near-duplicate adds diacritics and two boilerplate lines and changes one word.
ORIGINAL = {
    "id": "ds-port-original",
    "title": "خطة لتوسعة الرصيف التجاري على الساحل",
    "source": "marsad-tests",
    "url": "https://example.test/port-expansion",
    "published_at": "2026-11-20T08:00:00Z",
    "body": (
        "أعلنت وزارة النقل السورية اليوم عن خطة لتوسعة الرصيف التجاري بطرطوس خلال العامين المقبلين. "
        "وقال مدير المرفأ إن المشروع سيرفع الطاقة الاستيعابية إلى مليوني حاوية سنوياً ويوفر مئات فرص العمل "
        "لأبناء المحافظة. وأضاف أن الأعمال تشمل تعميق الأحواض وتحديث الرافعات وربط الميناء بشبكة السكك "
        "الحديدية المتجهة إلى حمص ودمشق. ويأتي ذلك ضمن برنامج حكومي أوسع لتطوير البنية التحتية للموانئ على "
        "الساحل السوري وتشجيع شركات الشحن الإقليمية على العودة إلى خطوطها السابقة."
    ),
}
# Every alert the seeds and ORIGINAL fire, once per story: seeds 001 and 003 name both watched places.
EXPECTED_ALERTS = {
    ("tartus", SEED_IDS[1]),
    ("hmeimim", SEED_IDS[1]),
    ("tartus", SEED_IDS[3]),
    ("hmeimim", SEED_IDS[3]),
    ("tartus", ORIGINAL["id"]),
}

NEAR_DUPLICATE = {
    "id": "ds-port-copy",
    "title": "خطة لتوسعة الرصيف التجاري على الساحل السوري",
    "source": "another-site",
    "body": (
        "أعلنَت وزارةُ النقل السورية اليوم عن خطة لتوسعة الرصيف التجاري بطرطوس خلال العامين المقبلين. "
        "وقال مديرُ المرفأ إن المشروع سيرفع الطاقة الاستيعابية إلى مليوني حاوية سنوياً ويوفر آلاف فرص العمل "
        "لأبناء المحافظة. وأضاف أن الأعمال تشمل تعميق الأحواض وتحديث الرافعات وربط الميناء بشبكة السكك "
        "الحديدية المتجهة إلى حمص ودمشق. ويأتي ذلك ضمن برنامج حكوميّ أوسع لتطوير البنية التحتية للموانئ على "
        "الساحل السوري وتشجيع شركات الشحن الإقليمية على العودة إلى خطوطها السابقة.\n"
        "اقرأ أيضاً: أسعار الخضار في أسواق اللاذقية\n"
        "زر الذهاب إلى الأعلى"
    ),
}
POISON_LINES = [
    b'{"id": "ds-bad-json", "body": "\xd9\x86\xd8\xb5 \xd9\x85\xd9\x82\xd8\xb7\xd9\x88\xd8\xb9',  # cut short
    json.dumps({"id": "ds-no-body", "title": "عنوان بلا متن"}, ensure_ascii=False).encode("utf-8"),
    b'{"id": "ds-bad-utf8", "body": "\xff\xfe \xd9\x86\xd8\xb5"}',
]


def jsonl(*records: dict[str, str] | bytes) -> bytes:
    lines = [r if isinstance(r, bytes) else json.dumps(r, ensure_ascii=False).encode("utf-8") for r in records]
    return b"\n".join(lines) + b"\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(check: Callable[[], bool], what: str, timeout: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(POLL_S)


@dataclass(frozen=True, slots=True)
class Deployment:
    """One isolated marsad deployment on the shared servers."""

    kafka_bootstrap: str
    elasticsearch_url: str
    name: str  # unique: topic prefix, index prefix and consumer group are derived from it

    @property
    def env(self) -> dict[str, str]:
        return {
            "MARSAD_KAFKA_BOOTSTRAP": self.kafka_bootstrap,
            "MARSAD_ELASTICSEARCH_URL": self.elasticsearch_url,
            "MARSAD_TOPIC_PREFIX": f"{self.name}.",
            "MARSAD_INDEX_PREFIX": f"{self.name}-",
            "MARSAD_CONSUMER_GROUP": f"{self.name}-workers",
            "MARSAD_BULK_MAX_SECONDS": "0.5",
            "MARSAD_BULK_RETRY_MAX_SECONDS": "2",
        }

    def settings(self, **overrides: Any) -> Settings:
        fields = {key.removeprefix("MARSAD_").lower(): value for key, value in self.env.items()}
        return Settings(**{**fields, **overrides})

    def topic(self, spec: TopicSpec) -> str:
        return spec.name(f"{self.name}.")

    def es(self) -> Elasticsearch:
        return Elasticsearch(self.elasticsearch_url, request_timeout=30)

    def remove_from_elastic(self) -> None:
        """Deletes this deployment's indices and templates (its topics stay: Kafka keeps them cheaply)."""
        with self.es() as client:
            remove_prefixed(client, self.env["MARSAD_INDEX_PREFIX"])


@contextmanager
def own_deployment(kafka_bootstrap: str, elasticsearch_url: str, kind: str) -> Iterator[Deployment]:
    """A deployment of its own name («dist-1f3a9c0b») for the block; its indices and templates removed after it."""
    deployment = Deployment(kafka_bootstrap, elasticsearch_url, f"{kind}-{uuid.uuid4().hex[:8]}")
    try:
        yield deployment
    finally:
        deployment.remove_from_elastic()


class Worker:
    """``python -m marsad.workers.kafka.agents`` (what ``marsad worker`` runs) as a real subprocess."""

    def __init__(self, deployment: Deployment, log_path: Path, **env: str) -> None:
        self.port = free_port()
        self.log_path = log_path
        environment = {**os.environ, **deployment.env, "MARSAD_HTTP_PORT": str(self.port), **env}
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "marsad.workers.kafka.agents"],
            cwd=REPO,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def metric(self, name: str, **labels: str) -> float:
        """Sum of a metric's samples with these labels, from the worker's /metrics (0 when absent)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=5) as response:
            text = response.read().decode()
        total = 0.0
        wanted = [f'{key}="{value}"' for key, value in labels.items()]
        for line in text.splitlines():
            if line.startswith(name) and (line[len(name)] in " {") and all(label in line for label in wanted):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def serving(self) -> bool:
        try:
            self.metric("marsad_articles_total")
        except OSError:
            return False
        return True

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def workers(deployment: Deployment, tmp_path: Path, count: int = 1, **env: str) -> Iterator[list[Worker]]:
    started = [Worker(deployment, tmp_path / f"worker-{index}.log", **env) for index in range(count)]
    try:
        for worker in started:
            wait_until(worker.serving, f"worker {worker.log_path.name} serving /metrics")
        yield started
    finally:
        for worker in started:
            worker.stop()


def es_documents(deployment: Deployment) -> dict[str, dict[str, Any]]:
    client = deployment.es()
    index = f"{deployment.name}-news"
    if not client.indices.exists_alias(name=index):
        return {}
    client.indices.refresh(index=index)
    response = client.search(index=index, size=1000, query={"match_all": {}}, version=True)
    return {hit["_id"]: {**hit["_source"], "_version": hit["_version"]} for hit in response["hits"]["hits"]}


def es_alerts(deployment: Deployment) -> list[dict[str, Any]]:
    client = deployment.es()
    index = f"{deployment.name}-news-alerts"
    if not client.indices.exists(index=index):
        return []
    client.indices.refresh(index=index)
    # scan, not one page of search: a reliability scenario stores over a thousand alerts
    return [hit["_source"] for hit in helpers.scan(client, index=index, query={"sort": ["_doc"]}, preserve_order=True)]


def topic_messages(deployment: Deployment, spec: TopicSpec) -> list[tuple[bytes | None, bytes]]:
    """Every message of a topic, read from the beginning up to its current end."""
    topic = deployment.topic(spec)
    consumer = KafkaConsumer(bootstrap_servers=deployment.kafka_bootstrap, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        ends = consumer.end_offsets(partitions)
        messages: list[tuple[bytes | None, bytes]] = []
        deadline = time.monotonic() + 30
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            if time.monotonic() > deadline:
                raise AssertionError(f"could not read {topic} to its end")
            for records in consumer.poll(timeout_ms=500).values():
                messages.extend((record.key, record.value) for record in records)
        return messages
    finally:
        consumer.close()


def group_caught_up(deployment: Deployment, group: str, specs: tuple[TopicSpec, ...]) -> bool:
    """Whether ``group`` committed offsets up to the end of every partition of these topics."""
    admin = KafkaAdminClient(bootstrap_servers=deployment.kafka_bootstrap)
    consumer = KafkaConsumer(bootstrap_servers=deployment.kafka_bootstrap)
    try:
        committed = admin.list_group_offsets(group).get(group, {})
        partitions = [
            TopicPartition(deployment.topic(spec), p)
            for spec in specs
            for p in consumer.partitions_for_topic(deployment.topic(spec)) or ()
        ]
        ends = consumer.end_offsets(partitions)
        return all((committed[tp].offset if tp in committed else 0) >= ends[tp] for tp in partitions)
    finally:
        consumer.close()
        admin.close()
