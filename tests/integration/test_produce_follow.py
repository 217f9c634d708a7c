"""``marsad produce --follow`` hands articles to Kafka exactly once, across restarts (issue 4).

The producer runs as a real ``marsad produce --follow`` process (it stops on SIGTERM/SIGINT, the way
it is stopped in production), polls a JSONL file, a directory and a feed served on 127.0.0.1, and keeps
its cursor in ``<MARSAD_STORE>/producer-cursor.db``. The raw topic is read back with kafka-python: every
article must be there exactly once, keyed by its id — none re-sent after a restart, none missed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from distributed_support import REPO, Deployment, topic_messages, wait_until

from marsad.producer import RawPublisher
from marsad.topics.definitions import RAW
from marsad.topics.records import RawInput, SourcePosition
from marsad.workers.kafka.admin import ensure_topics
from marsad.workers.stages.validate import stable_id

pytestmark = pytest.mark.integration

FOLLOW_DEADLINE_S = 30.0
POLL_INTERVAL_S = 5.0  # what ``marsad produce --follow`` uses for directories and JSONL files


def article(article_id: str, title: str, body: str) -> dict[str, str]:
    return {"id": article_id, "title": title, "source": "marsad-tests", "body": body}


WIRE = [
    article("pf-wire-1", "افتتاح مدرسة في حماة", "افتتحت مديرية التربية في حماة مدرسة جديدة تتسع لستمئة طالب."),
    article("pf-wire-2", "أمطار غزيرة على الساحل", "هطلت أمطار غزيرة على الساحل السوري وارتفع منسوب المياه بطرطوس."),
    article(
        "pf-wire-3", "معرض للكتاب في دمشق", "يفتتح معرض دمشق الدولي للكتاب أبوابه الأسبوع المقبل بمشاركة مئة دار نشر."
    ),
    article("pf-wire-4", "موسم الحمضيات", "بدأ موسم قطاف الحمضيات في اللاذقية وسط توقعات بإنتاج وفير هذا العام."),
    article("pf-wire-5", "صيانة طريق حلب", "بدأت أعمال صيانة الطريق الدولي بين حلب ودمشق على مراحل."),
]


def jsonl_line(record: dict[str, str]) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"


def append(path: Path, data: bytes) -> None:
    with path.open("ab") as stream:
        stream.write(data)


def drop_file(directory: Path, name: str, content: str) -> None:
    """Write under a hidden name, then rename into place (how writers should add files to a followed directory)."""
    hidden = directory / f".{name}.part"
    hidden.write_text(content, encoding="utf-8")
    hidden.rename(directory / name)


def txt_article(title: str, body: str) -> str:
    return f"{title}\n{body}\n"


@pytest.fixture
def deployment(services: Any) -> Deployment:
    # Kafka only: the producer needs no worker and no Elasticsearch. The topics are created up front (the
    # producer would create them too) so that the raw topic can be read before the first record arrives.
    deployed = Deployment(services.kafka_bootstrap, services.elasticsearch_url, f"pf-{uuid.uuid4().hex[:8]}")
    ensure_topics(deployed.kafka_bootstrap, f"{deployed.name}.")
    return deployed


class Producer:
    """``marsad produce --follow SOURCE…`` as a real process, with its cursor in ``store``."""

    def __init__(self, deployment: Deployment, store: Path, sources: list[str], log_path: Path) -> None:
        environment = {
            **os.environ,
            "MARSAD_KAFKA_BOOTSTRAP": deployment.kafka_bootstrap,
            "MARSAD_TOPIC_PREFIX": f"{deployment.name}.",
            "MARSAD_STORE": str(store),
        }
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "marsad.cli", "produce", "--follow", *sources],
            cwd=REPO,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Signal the producer and wait for it to exit (killed after 20 s: see ``assert_stopped_cleanly``)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def assert_stopped_cleanly(self, records: int) -> None:
        assert self.process.returncode == 0, f"exit code {self.process.returncode}:\n{self.log()}"
        assert f"produced {records} records" in self.log(), self.log()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def raw_keys(deployment: Deployment) -> Counter[str]:
    """How many times each key was sent to the raw topic (0 messages while the topic does not exist)."""
    return Counter((key or b"").decode() for key, _ in topic_messages(deployment, RAW))


def wait_for_keys(deployment: Deployment, producer: Producer, expected: set[str]) -> Counter[str]:
    def arrived() -> bool:
        if producer.process.poll() is not None:
            raise AssertionError(f"producer exited with {producer.process.returncode}:\n{producer.log()}")
        return expected <= set(raw_keys(deployment))

    wait_until(arrived, f"{sorted(expected)} on the raw topic", timeout=FOLLOW_DEADLINE_S)
    return raw_keys(deployment)


def assert_exactly_once(keys: Counter[str], expected: set[str]) -> None:
    assert set(keys) == expected, f"missing {expected - set(keys)}, unexpected {set(keys) - expected}"
    assert {key: count for key, count in keys.items() if count != 1} == {}, "re-sent"


def test_followed_jsonl_file_and_directory_are_handed_over_once_across_a_restart(
    deployment: Deployment, tmp_path: Path
) -> None:
    store, inbox = tmp_path / "store", tmp_path / "inbox"
    inbox.mkdir()
    wire = tmp_path / "wire.jsonl"
    wire.write_bytes(jsonl_line(WIRE[0]) + jsonl_line(WIRE[1]))
    drop_file(
        inbox, "pf-dir-1.txt", txt_article("زيارة وفد إلى حمص", "زار وفد حكومي مدينة حمص لبحث مشاريع إعادة الإعمار.")
    )
    drop_file(inbox, "pf-dir-2.json", json.dumps(WIRE[2] | {"id": "pf-dir-2"}, ensure_ascii=False))
    sources = [str(wire), str(inbox)]

    producer = Producer(deployment, store, sources, tmp_path / "producer-1.log")
    try:
        first = {"pf-wire-1", "pf-wire-2", "pf-dir-1", "pf-dir-2"}
        assert_exactly_once(wait_for_keys(deployment, producer, first), first)
        assert (store / "producer-cursor.db").is_file()

        # While following: a complete line, a line still being written (no newline yet), a new file.
        third = jsonl_line(WIRE[2])
        fourth = jsonl_line(WIRE[3])
        append(wire, third + fourth[:25])
        drop_file(inbox, "pf-dir-3.txt", txt_article("سوق جديدة في إدلب", "افتتحت في إدلب سوق شعبية جديدة للخضار."))
        second = first | {"pf-wire-3", "pf-dir-3"}
        wait_for_keys(deployment, producer, second)
        time.sleep(POLL_INTERVAL_S + 1)  # one more poll of each source: nothing may be sent again
        assert_exactly_once(raw_keys(deployment), second)  # and the half-written line was not sent
    finally:
        producer.stop(signal.SIGTERM)
    producer.assert_stopped_cleanly(records=6)

    # Stopped: the half-written line is completed, another line and another file arrive.
    append(wire, fourth[25:] + jsonl_line(WIRE[4]))
    drop_file(inbox, "pf-dir-4.txt", txt_article("ترميم قلعة حلب", "بدأت أعمال ترميم أسوار قلعة حلب التاريخية."))

    producer = Producer(deployment, store, sources, tmp_path / "producer-2.log")
    try:
        third_round = second | {"pf-wire-4", "pf-wire-5", "pf-dir-4"}
        wait_for_keys(deployment, producer, third_round)
        time.sleep(POLL_INTERVAL_S + 1)
        keys = raw_keys(deployment)
    finally:
        producer.stop(signal.SIGINT)
    producer.assert_stopped_cleanly(records=3)
    assert_exactly_once(keys, third_round)

    # JSON lines go out as the exact bytes read; .txt files as the article they stand for.
    values = {(key or b"").decode(): value for key, value in topic_messages(deployment, RAW)}
    assert values["pf-wire-4"] == fourth.rstrip(b"\n")
    assert json.loads(values["pf-dir-4"])["body"] == "بدأت أعمال ترميم أسوار قلعة حلب التاريخية."


def test_restart_with_the_sources_in_another_order_resends_nothing(deployment: Deployment, tmp_path: Path) -> None:
    """The cursor belongs to a source, not to its position on the command line."""
    store, inbox = tmp_path / "store", tmp_path / "inbox"
    inbox.mkdir()
    wire = tmp_path / "wire.jsonl"
    wire.write_bytes(jsonl_line(WIRE[0]))
    drop_file(inbox, "pf-dir-1.txt", txt_article("زيارة وفد إلى حمص", "زار وفد حكومي مدينة حمص."))
    producer = Producer(deployment, store, [str(wire), str(inbox)], tmp_path / "producer-1.log")
    try:
        wait_for_keys(deployment, producer, {"pf-wire-1", "pf-dir-1"})
    finally:
        producer.stop()
    producer.assert_stopped_cleanly(records=2)

    append(wire, jsonl_line(WIRE[1]))
    producer = Producer(deployment, store, [str(inbox), str(wire)], tmp_path / "producer-2.log")
    try:
        wait_for_keys(deployment, producer, {"pf-wire-1", "pf-dir-1", "pf-wire-2"})
    finally:
        producer.stop()
    producer.assert_stopped_cleanly(records=1)
    assert_exactly_once(raw_keys(deployment), {"pf-wire-1", "pf-dir-1", "pf-wire-2"})


def rss(items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid><description>{body}</description></item>"
        for title, link, body in reversed(items)  # feeds list the newest first
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>وكالة مرصد للاختبار</title>'
        f"<link>http://127.0.0.1/</link><description>أخبار</description>{entries}</channel></rss>"
    ).encode()


FEED_ITEMS = [
    ("وصول سفينة إلى الميناء", "https://feed.example.test/a/1", "وصلت إلى ميناء اللاذقية سفينة محملة بالقمح."),
    ("افتتاح جسر", "https://feed.example.test/a/2", "افتتحت محافظة حماة جسراً جديداً فوق نهر العاصي."),
    ("تمديد ساعات العمل", "https://feed.example.test/a/3", "مددت بلدية دمشق ساعات عمل الحدائق العامة في الصيف."),
]


class FeedServer:
    """One RSS document on http://127.0.0.1:<port>/feed.xml; ``body`` can be replaced between requests."""

    def __init__(self) -> None:
        self.body = b""
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests += 1
                status, body = (200, server.body) if self.path == "/feed.xml" else (404, b"")
                self.send_response(status)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/feed.xml"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    try:
        yield server
    finally:
        server.close()


def test_followed_feed_sends_only_new_items_after_a_restart(
    deployment: Deployment, feed_server: FeedServer, tmp_path: Path
) -> None:
    ids = [stable_id(link, title, body) for title, link, body in FEED_ITEMS]  # feed items: ids from their URLs
    store = tmp_path / "store"
    feed_server.body = rss(FEED_ITEMS[:2])
    producer = Producer(deployment, store, [feed_server.url], tmp_path / "producer-1.log")
    try:
        assert_exactly_once(wait_for_keys(deployment, producer, set(ids[:2])), set(ids[:2]))
    finally:
        producer.stop()
    producer.assert_stopped_cleanly(records=2)

    feed_server.body = rss(FEED_ITEMS)  # one new item on top of the two already handed over
    requests_before = feed_server.requests
    producer = Producer(deployment, store, [feed_server.url], tmp_path / "producer-2.log")
    try:
        keys = wait_for_keys(deployment, producer, set(ids))
    finally:
        producer.stop()
    producer.assert_stopped_cleanly(records=1)
    assert feed_server.requests > requests_before
    assert_exactly_once(keys, set(ids))
    values = {(key or b"").decode(): json.loads(value) for key, value in topic_messages(deployment, RAW)}
    assert values[ids[2]]["url"] == FEED_ITEMS[2][1]
    assert values[ids[2]]["body"] == FEED_ITEMS[2][2]


def test_producer_waits_for_all_replicas_and_is_idempotent(deployment: Deployment) -> None:
    """The KafkaProducer that ``marsad produce`` builds: acks=all, idempotence on, and in effect on the broker."""
    publisher = RawPublisher(deployment.settings())
    try:
        config = publisher._producer.config
        assert config["acks"] == -1  # kafka-python's spelling of acks="all"
        assert config["enable_idempotence"] is True
        assert config["max_in_flight_requests_per_connection"] <= 5  # the idempotent producer's ordering bound
        record = jsonl_line(article("pf-config-1", "اختبار", "نص قصير للتحقق من إعدادات المنتج.")).rstrip(b"\n")
        publisher.publish([RawInput(payload=record, position=SourcePosition(source="test"))])
        manager = publisher._producer._transaction_manager
        assert manager is not None
        assert manager.producer_id_and_epoch.producer_id >= 0  # the broker assigned an idempotent producer id
    finally:
        publisher.close()
    assert raw_keys(deployment) == Counter({"pf-config-1": 1})
