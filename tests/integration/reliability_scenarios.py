"""Fault scenarios against the real servers, shared by ``test_reliability.py`` (which asserts on them) and
``scripts/reliability`` (which runs them all and writes RELIABILITY.md).

Each scenario runs one isolated deployment (its own topics, indices and consumer group), produces generated
articles (never the seed articles' text) with a fault on the way, and returns its ``Figures``. Elasticsearch
"killed" is a TCP proxy between the worker and the shared node that refuses connections, then accepts them
again: the worker sees what a dead node looks like, and the other engineers' tests keep their server.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from distributed_support import (
    REPO,
    Deployment,
    Worker,
    es_alerts,
    free_port,
    group_caught_up,
    topic_messages,
    wait_until,
)
from elasticsearch import helpers
from kafka import KafkaProducer

from marsad.topics.definitions import ALERTS, DLQ, PREPARED, RAW
from marsad.workers.kafka.admin import ensure_topics

# Written for these tests: enough different words that random bodies are never near-duplicates.
WORDS = [
    "أعلنت",
    "وزارة",
    "النقل",
    "اليوم",
    "خطة",
    "جديدة",
    "لتوسعة",
    "الميناء",
    "التجاري",
    "وقال",
    "المدير",
    "إن",
    "المشروع",
    "سيرفع",
    "الطاقة",
    "الاستيعابية",
    "ويوفر",
    "فرص",
    "العمل",
    "للشباب",
    "في",
    "المحافظة",
    "وأضاف",
    "أن",
    "الأعمال",
    "تشمل",
    "تعميق",
    "الأحواض",
    "وتحديث",
    "الرافعات",
    "وربط",
    "الشبكة",
    "بالسكك",
    "الحديدية",
    "المتجهة",
    "نحو",
    "المدن",
    "الداخلية",
    "ضمن",
    "برنامج",
    "حكومي",
    "لتطوير",
    "البنية",
    "التحتية",
    "وتشجيع",
    "شركات",
    "الشحن",
    "الإقليمية",
    "على",
    "العودة",
    "إلى",
    "خطوطها",
    "السابقة",
    "بعد",
    "سنوات",
    "من",
    "التوقف",
    "بسبب",
    "الظروف",
    "الاقتصادية",
    "الصعبة",
    "التي",
    "مرت",
    "بها",
    "البلاد",
    "وارتفاع",
    "تكاليف",
    "التأمين",
    "البحري",
    "والوقود",
    "والصيانة",
    "الدورية",
    "للسفن",
    "والمعدات",
    "الثقيلة",
    "في",
    "الأرصفة",
]
WATCHED = "طرطوس"  # config/alerts.yaml's rule ``tartus``


@dataclass(frozen=True, slots=True)
class Figures:
    scenario: str
    produced: int
    indexed: int  # good articles found in Elasticsearch
    dead_lettered: int
    indexed_twice: int  # documents in Elasticsearch beyond one per good article
    alerts_lost: int  # expected (rule, story) pairs missing from the alerts index
    alerts_doubled: int  # alerts on the alerts topic beyond one per (rule, story)
    recovery_s: float | None  # from the end of the fault until every article and alert was stored
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def articles(count: int, tag: str, seed: int = 7) -> list[dict[str, str]]:
    """``count`` articles with random bodies; every third one names the watched place (one alert each)."""
    rng = random.Random(seed)
    result = []
    for n in range(count):
        words = rng.choices(WORDS, k=60)
        if n % 3 == 0:
            words.insert(rng.randrange(len(words)), WATCHED)
        result.append({"id": f"{tag}-{n:05d}", "title": f"خبر رقم {n}", "body": " ".join(words)})
    return result


def expected_alerts(records: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {("tartus", record["id"]) for record in records if WATCHED in record["body"]}


def new_deployment(kafka_bootstrap: str, elasticsearch_url: str, scenario: str) -> Deployment:
    deployment = Deployment(kafka_bootstrap, elasticsearch_url, f"rel-{scenario}-{uuid.uuid4().hex[:6]}")
    ensure_topics(kafka_bootstrap, f"{deployment.name}.")
    return deployment


def put_raw(deployment: Deployment, payloads: Sequence[tuple[bytes | None, bytes]]) -> None:
    """Straight onto the raw topic, as any producer could (gzip lets a 3 MB record through the broker)."""
    producer = KafkaProducer(
        bootstrap_servers=deployment.kafka_bootstrap, compression_type="gzip", max_request_size=8_000_000, acks="all"
    )
    try:
        for key, value in payloads:
            producer.send(deployment.topic(RAW), key=key, value=value)
        producer.flush()
    finally:
        producer.close()


def indexed_ids(deployment: Deployment) -> set[str]:
    client = deployment.es()
    index = f"{deployment.name}-news"
    if not client.indices.exists_alias(name=index):
        return set()
    client.indices.refresh(index=index)
    return {hit["_id"] for hit in helpers.scan(client, index=index, _source=False)}


def environment(deployment: Deployment) -> dict[str, str]:
    return {**os.environ, **deployment.env, "MARSAD_HTTP_PORT": str(free_port())}


def encoded(record: dict[str, str]) -> tuple[bytes, bytes]:
    return record["id"].encode(), json.dumps(record, ensure_ascii=False).encode("utf-8")


def measure(
    scenario: str,
    deployment: Deployment,
    good: list[dict[str, str]],
    produced: int,
    fault_ended: float | None,
    note: str = "",
    timeout: float = 120.0,
) -> Figures:
    """Waits until every good article is indexed and the group caught up, then counts."""
    ids, expected = {record["id"] for record in good}, expected_alerts(good)
    recovery: float | None = None

    def complete() -> bool:
        return ids <= indexed_ids(deployment) and expected <= {
            (a["rule"], a["doc_id"]) for a in es_alerts(deployment)
        }

    try:
        wait_until(complete, f"{len(ids)} articles and {len(expected)} alerts stored", timeout)
        if fault_ended is not None:
            recovery = time.monotonic() - fault_ended
        wait_until(
            lambda: group_caught_up(deployment, f"{deployment.name}-workers", (RAW, PREPARED)), "offsets", timeout
        )
    except AssertionError as error:
        note = f"{note}; {error}".strip("; ")
    documents = indexed_ids(deployment)
    stored = {(alert["rule"], alert["doc_id"]) for alert in es_alerts(deployment)}
    published = Counter(
        (alert["rule"], alert["doc_id"]) for alert in (json.loads(v) for _, v in topic_messages(deployment, ALERTS))
    )
    return Figures(
        scenario=scenario,
        produced=produced,
        indexed=len(ids & documents),
        dead_lettered=len(topic_messages(deployment, DLQ)),
        indexed_twice=len(documents) - len(ids & documents),
        alerts_lost=len(expected - stored),
        alerts_doubled=sum(count - 1 for count in published.values() if count > 1),
        recovery_s=None if recovery is None else round(recovery, 1),
        note=note,
    )


# Poison records ----------------------------------------------------------------------------------------------

POISON: dict[str, bytes] = {
    "nested 10,000 levels": b'{"body": "x", "n": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
    "5,000-digit integer id": b'{"body": "x", "id": ' + b"9" * 5_000 + b"}",
    "lone surrogate \\ud800": b'{"id": "surrogate", "body": "\\ud800 text"}',
    "1.5 MB body": json.dumps({"id": "big-1", "body": " ".join(WORDS) * 1_500}, ensure_ascii=False).encode(),
    "3 MB body": json.dumps({"id": "big-3", "body": " ".join(WORDS) * 2_900}, ensure_ascii=False).encode(),
    "id over 512 bytes": json.dumps({"id": "i" * 600, "body": "نص"}, ensure_ascii=False).encode(),
}
POISON_REASONS = {
    "nested 10,000 levels": "nested too deeply",
    "5,000-digit integer id": "Exceeds the limit",
    "lone surrogate \\ud800": "lone surrogate",
    "1.5 MB body": "prepared article too large for Kafka",
    "3 MB body": "oversized",
    "id over 512 bytes": "id too long",
}


def poison_records(kafka: str, es: str, tmp: Path, count: int = 300) -> tuple[Figures, list[dict[str, Any]]]:
    deployment = new_deployment(kafka, es, "poison")
    good = articles(count, "good")
    payloads: list[tuple[bytes | None, bytes]] = [encoded(record) for record in good]
    for n, value in enumerate(POISON.values()):  # amid the good ones
        payloads.insert((n + 1) * len(payloads) // (len(POISON) + 1), (None, value))
    put_raw(deployment, payloads)
    worker = Worker(deployment, tmp / "poison-worker.log")
    try:
        figures = measure("poison records amid good ones", deployment, good, len(payloads), None)
        letters = [json.loads(value) for _, value in topic_messages(deployment, DLQ)]
    finally:
        worker.stop()
    return figures, letters


# Elasticsearch down and back -----------------------------------------------------------------------------------


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``target``; ``down()`` closes every connection and refuses new ones."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._server: socket.socket | None = None
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()

    def up(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(64)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def down(self) -> None:
        with self._lock:
            if self._server is not None:
                self._server.close()
                self._server = None
            for connection in self._connections:
                connection.close()
            self._connections.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                end.close()


def elasticsearch_down(kafka: str, es: str, tmp: Path, count: int = 3000, down_s: float = 30.0) -> Figures:
    deployment = new_deployment(kafka, es, "esdown")
    host, port = es.removeprefix("http://").split(":")
    proxy = TcpProxy((host, int(port)))
    proxy.up()
    good = articles(count, "outage", seed=11)
    worker = Worker(deployment, tmp / "esdown-worker.log", MARSAD_ELASTICSEARCH_URL=f"http://127.0.0.1:{proxy.port}")
    try:
        wait_until(worker.serving, "the worker")
        half = len(good) // 3
        put_raw(deployment, [encoded(record) for record in good[:half]])
        wait_until(lambda: len(indexed_ids(deployment)) > 0, "the first documents")
        proxy.down()  # Elasticsearch "killed" mid-stream
        put_raw(deployment, [encoded(record) for record in good[half:]])
        time.sleep(down_s)
        retrying = worker.metric("marsad_worker_transient_failures_total") + worker.metric(
            "marsad_elasticsearch_bulk_failures_total", handling="unreachable"
        )
        alive = worker.process.poll() is None
        proxy.up()  # and restarted
        note = f"worker alive during the outage: {alive}; failures retried: {int(retrying)}"
        return measure(f"Elasticsearch down {down_s:.0f} s mid-stream", deployment, good, count, time.monotonic(), note)
    finally:
        worker.stop()
        proxy.down()


# Worker killed between its document write and its alert write ----------------------------------------------------


def killed_before_alerts(kafka: str, es: str, tmp: Path, count: int = 600) -> Figures:
    """The alerts index refuses writes (a write block: retried as transient), so the worker holds its batch
    after writing documents and publishing; SIGKILL it there, lift the block, start a new worker."""
    deployment = new_deployment(kafka, es, "kill")
    client = deployment.es()
    alerts_index = f"{deployment.name}-news-alerts"
    good = articles(count, "kill", seed=13)
    first = Worker(deployment, tmp / "kill-first.log")
    try:
        wait_until(first.serving, "the first worker")  # it installed the index templates
        if not client.indices.exists(index=alerts_index):
            client.indices.create(index=alerts_index)
        client.indices.add_block(index=alerts_index, block="write")
        put_raw(deployment, [encoded(record) for record in good])
        wait_until(lambda: len(indexed_ids(deployment)) > 0, "documents written before the alerts")
        wait_until(lambda: first.metric("marsad_elasticsearch_bulk_failures_total", handling="retried") > 0, "a retry")
        first.stop(signal.SIGKILL)
    finally:
        first.stop(signal.SIGKILL)
        client.indices.put_settings(index=alerts_index, settings={"index.blocks.write": False})
    second = Worker(deployment, tmp / "kill-second.log")
    try:
        return measure("worker SIGKILLed between documents and alerts", deployment, good, count, time.monotonic())
    finally:
        second.stop()


# Agent failure: the process exits non-zero, a restarted worker redelivers -----------------------------------------

CRASHING_WORKER = """
import sys
from marsad.workers.elastic import writer
from marsad.workers.kafka.agents import run_worker
from marsad.workers.settings import get_settings

written = writer.ElasticWriter.write
calls = []

async def write(self, actions, concurrent=False):
    calls.append(1)
    if len(calls) == 2:  # the first batch's topics are out, its alerts not yet stored
        raise RuntimeError("injected failure in the commit sequence")
    return await written(self, actions, concurrent)

writer.ElasticWriter.write = write
run_worker(get_settings())
"""


def agent_crash(kafka: str, es: str, tmp: Path, count: int = 300) -> tuple[Figures, int | None]:
    deployment = new_deployment(kafka, es, "crash")
    good = articles(count, "crash", seed=17)
    put_raw(deployment, [encoded(record) for record in good])
    log_path = tmp / "crash-worker.log"
    with log_path.open("ab") as log:
        crashing = subprocess.Popen(
            [sys.executable, "-c", CRASHING_WORKER],
            cwd=REPO,
            env=environment(deployment),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            code: int | None = crashing.wait(timeout=90)
        except subprocess.TimeoutExpired:
            crashing.kill()
            code = None
    restarted = Worker(deployment, tmp / "crash-restarted.log")  # what a supervisor does
    try:
        scenario = "agent failure: exit non-zero, supervisor restart"
        figures = measure(scenario, deployment, good, count, time.monotonic(), f"worker exit status {code}")
    finally:
        restarted.stop()
    return figures, code


# Failover ----------------------------------------------------------------------------------------------------------


def failover(kafka: str, es: str, tmp: Path, sig: signal.Signals) -> Figures:
    """Two workers; the one deciding is stopped with ``sig``; how long until the survivor indexes new articles."""
    deployment = new_deployment(kafka, es, f"failover-{sig.name.lower()}")
    before, after = articles(30, f"before-{sig.name}", seed=19), articles(30, f"after-{sig.name}", seed=23)
    pair = [Worker(deployment, tmp / f"failover-{sig.name}-{n}.log") for n in range(2)]
    try:
        for worker in pair:
            wait_until(worker.serving, "both workers")
        put_raw(deployment, [encoded(record) for record in before])
        ids = {record["id"] for record in before}
        wait_until(lambda: ids <= indexed_ids(deployment), "the first articles")
        (owner,) = [w for w in pair if w.metric("marsad_worker_batch_size_count", agent="decide") > 0]
        owner.stop(sig)
        stopped = time.monotonic()
        put_raw(deployment, [encoded(record) for record in after])
        return measure(
            f"{sig.name} of the deciding worker (two workers)", deployment, before + after, 60, stopped, "", 120
        )
    finally:
        for worker in pair:
            worker.stop()


# Producer: a record the broker cannot take -------------------------------------------------------------------------


def produce_oversized(kafka: str, es: str, tmp: Path, count: int = 200) -> Figures:
    deployment = new_deployment(kafka, es, "produce")
    good = articles(count, "prod", seed=29)
    lines = [json.dumps(record, ensure_ascii=False) for record in good]
    lines.insert(count // 2, json.dumps({"id": "too-big", "body": " ".join(WORDS) * 1_300}, ensure_ascii=False))
    source = tmp / "produce.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**environment(deployment), "MARSAD_STORE": str(tmp / "produce-store")}
    follow = subprocess.Popen(
        [sys.executable, "-m", "marsad.cli", "produce", "--follow", str(source)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    worker = Worker(deployment, tmp / "produce-worker.log")
    try:
        wait_until(lambda: len(topic_messages(deployment, RAW)) >= count, "the good records on the raw topic")
        time.sleep(6)  # more than one poll interval (5 s): a re-send would show now
        figures = measure("produce --follow with a 1.3 MB record", deployment, good, count + 1, None)
        raw = Counter(key for key, _ in topic_messages(deployment, RAW))
        resent = sum(n - 1 for n in raw.values() if n > 1)
        return Figures(**{**figures.as_dict(), "note": f"on the raw topic: {sum(raw.values())}, re-sent: {resent}"})
    finally:
        follow.send_signal(signal.SIGTERM)
        follow.wait(timeout=30)
        worker.stop()


def table(rows: list[Figures]) -> str:
    header = (
        "| scenario | produced | indexed | dead-lettered | indexed twice | alerts lost | alerts doubled (topic) "
        "| time to recover | notes |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n"
    )
    lines = [
        f"| {r.scenario} | {r.produced} | {r.indexed} | {r.dead_lettered} | {r.indexed_twice} | {r.alerts_lost} "
        f"| {r.alerts_doubled} | {'—' if r.recovery_s is None else f'{r.recovery_s:.1f} s'} | {r.note} |"
        for r in rows
    ]
    return header + "\n".join(lines) + "\n"


def main() -> None:
    """``scripts/reliability``: every scenario at full size, then RELIABILITY.md."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "RELIABILITY.md")
    out = parser.parse_args().out
    kafka, es = os.environ["MARSAD_KAFKA_BOOTSTRAP"], os.environ["MARSAD_ELASTICSEARCH_URL"]
    rows: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="marsad-reliability-") as directory:
        tmp = Path(directory)
        runs = [
            lambda: poison_records(kafka, es, tmp, count=3000)[0],
            lambda: elasticsearch_down(kafka, es, tmp, count=3000, down_s=30),
            lambda: killed_before_alerts(kafka, es, tmp, count=1000),
            lambda: agent_crash(kafka, es, tmp, count=600)[0],
            lambda: failover(kafka, es, tmp, signal.SIGTERM),
            lambda: failover(kafka, es, tmp, signal.SIGKILL),
            lambda: produce_oversized(kafka, es, tmp, count=500),
        ]
        for run in runs:
            rows.append(run())
            print(table(rows[-1:]), end="", flush=True)
    out.write_text(
        "# Reliability: fault scenarios against real Kafka and Elasticsearch\n\n"
        "Written by `scripts/reliability` (scenarios in `tests/integration/reliability_scenarios.py`; the same\n"
        "scenarios, smaller, run in CI as `tests/integration/test_reliability.py`). Generated articles, one in\n"
        "three naming a watched place (one alert each). *indexed twice*: documents beyond one per article;\n"
        "*alerts lost*: (rule, story) pairs missing from the alerts index; *alerts doubled*: extra copies on the\n"
        "`alerts` topic, which is at-least-once (the index never holds two); *time to recover*: from the end of\n"
        "the fault (Elasticsearch back, the replacement worker started, the deciding worker stopped) until\n"
        "every article and every alert was stored.\n\n"
        f"Run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, on the shared 2-core development machine.\n\n"
        + table(rows),
        encoding="utf-8",
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
