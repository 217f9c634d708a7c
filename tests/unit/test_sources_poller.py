import json
import os
import random
import threading
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from sources_support import Collector, FakeClock

from marsad.sources.config import BackoffSettings, DirectorySourceSpec, JsonlSourceSpec
from marsad.sources.cursor import SourceCursor
from marsad.sources.poller import SourcePoller, backoff_delay
from marsad.topics.records import RawInput

pytestmark = pytest.mark.unit

HEADLINES = [
    "افتتاح مدرسة جديدة في دير الزور",
    "وصول قافلة مساعدات إلى الرقة",
    "إعادة تأهيل سوق المدينة في حلب",
    "الصيادون بطرطوس ينتظرون تحسن الطقس",
]


def article_line(title: str) -> bytes:
    return json.dumps({"title": title, "body": f"{title}. نص الخبر."}, ensure_ascii=False).encode() + b"\n"


def append(path: Path, *lines: bytes) -> None:
    with path.open("ab") as stream:
        stream.write(b"".join(lines))


def jsonl_poller(path: Path, cursor: SourceCursor, deliver: Collector, clock: FakeClock) -> SourcePoller:
    spec = JsonlSourceSpec(name=f"wire-{path.parent.name}", type="jsonl", path=path, interval_s=5)
    return SourcePoller([spec], cursor, deliver, clock=clock, rng=random.Random(7))


def test_followed_jsonl_delivers_appended_lines_once_and_waits_for_partial_lines(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    append(path, article_line(HEADLINES[0]))
    clock, deliver = FakeClock(), Collector()
    poller = jsonl_poller(path, SourceCursor(tmp_path / "sources.db"), deliver, clock)

    [first] = poller.poll_once()
    assert (first.status, first.items) == ("delivered", 1)
    assert poller.poll_once() == []  # not due for interval_s

    partial = article_line(HEADLINES[2])
    append(path, article_line(HEADLINES[1]), partial[:20])
    clock.now += 5
    poller.poll_once()
    append(path, partial[20:])
    clock.now += 5
    poller.poll_once()
    clock.now += 5
    [idle] = poller.poll_once()

    assert deliver.titles() == HEADLINES[:3]
    assert [r.position.line for r in deliver.records] == [1, 2, 3]
    assert idle.status == "unchanged"


def test_restart_with_the_same_cursor_neither_resends_nor_skips(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    append(path, article_line(HEADLINES[0]), article_line(HEADLINES[1]))
    clock, deliver = FakeClock(), Collector()
    cursor = SourceCursor(tmp_path / "sources.db")
    jsonl_poller(path, cursor, deliver, clock).poll_once()
    cursor.close()

    append(path, article_line(HEADLINES[2]))
    restarted = jsonl_poller(path, SourceCursor(tmp_path / "sources.db"), deliver, clock)
    restarted.poll_once()

    assert deliver.titles() == HEADLINES[:3]
    assert [r.position.line for r in deliver.records] == [1, 2, 3]


def test_truncated_or_rotated_file_is_read_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    append(path, article_line(HEADLINES[0]), article_line(HEADLINES[1]))
    clock, deliver = FakeClock(), Collector()
    poller = jsonl_poller(path, SourceCursor(tmp_path / "sources.db"), deliver, clock)
    poller.poll_once()

    path.write_bytes(article_line(HEADLINES[2]))  # truncated and rewritten, shorter
    clock.now += 5
    poller.poll_once()
    rotated = tmp_path / "wire.jsonl.new"
    rotated.write_bytes(article_line(HEADLINES[3]) + article_line(HEADLINES[0]) + article_line(HEADLINES[1]))
    os.replace(rotated, path)  # a new file, longer than the old offset
    clock.now += 5
    poller.poll_once()

    assert deliver.titles() == [*HEADLINES[:3], HEADLINES[3], HEADLINES[0], HEADLINES[1]]
    assert deliver.records[2].position.line == 1


def test_failed_delivery_advances_nothing_and_backs_off(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    append(path, article_line(HEADLINES[0]))
    clock, deliver = FakeClock(), Collector()
    poller = jsonl_poller(path, SourceCursor(tmp_path / "sources.db"), deliver, clock)
    deliver.failing = True

    [failed] = poller.poll_once()

    assert failed.status == "failed"
    assert failed.error == "ConnectionError: sink unavailable"
    assert 5.0 <= failed.next_due_at - clock.now <= 10.0  # first backoff step: initial_s = 10, jittered
    health = poller.health()[f"wire-{tmp_path.name}"]
    assert health["consecutive_failures"] == 1
    assert health["last_error"] == "ConnectionError: sink unavailable"
    assert health["last_success_at"] is None

    deliver.failing = False
    clock.now = failed.next_due_at
    [recovered] = poller.poll_once()

    assert (recovered.status, recovered.items) == ("delivered", 1)
    assert deliver.titles() == HEADLINES[:1]
    assert poller.health()[f"wire-{tmp_path.name}"]["consecutive_failures"] == 0


def test_backoff_doubles_per_failure_with_jitter_and_is_capped() -> None:
    settings = BackoffSettings(initial_s=10, max_s=100)
    rng = random.Random(3)

    for failures, ceiling in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (12, 100)]:
        delays = [backoff_delay(failures, settings, rng) for _ in range(50)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(set(delays)) > 1


def test_missing_followed_file_is_an_error_in_the_source_health(tmp_path: Path) -> None:
    clock, deliver = FakeClock(), Collector()
    poller = jsonl_poller(tmp_path / "absent.jsonl", SourceCursor(tmp_path / "sources.db"), deliver, clock)

    [outcome] = poller.poll_once()

    assert outcome.status == "failed"
    assert "absent.jsonl" in (outcome.error or "")


def test_directory_source_picks_up_new_and_changed_files_once(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text(f"{HEADLINES[0]}\nنص الخبر الأول.", encoding="utf-8")
    clock, deliver = FakeClock(), Collector()
    spec = DirectorySourceSpec(name="inbox", type="directory", path=inbox, interval_s=2)
    cursor = SourceCursor(tmp_path / "sources.db")
    poller = SourcePoller([spec], cursor, deliver, clock=clock)

    poller.poll_once()
    (inbox / ".b.jsonl.tmp").write_bytes(article_line(HEADLINES[1]))
    clock.now += 2
    poller.poll_once()  # a hidden file being written is not read yet
    (inbox / ".b.jsonl.tmp").rename(inbox / "b.jsonl")
    clock.now += 2
    poller.poll_once()
    cursor.close()
    restarted = SourcePoller([spec], SourceCursor(tmp_path / "sources.db"), deliver, clock=clock)
    clock.now += 2
    restarted.poll_once()

    assert [(r.hint_id, r.content_type) for r in deliver.records] == [("a", "text"), (None, "json")]
    assert json.loads(deliver.records[1].payload)["title"] == HEADLINES[1]
    assert restarted.health()["inbox"]["items_delivered"] == 0


def test_large_backlog_is_delivered_in_batches_without_waiting_for_the_interval(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    append(path, *(article_line(f"{HEADLINES[0]} {n}") for n in range(1_200)))
    clock, deliver = FakeClock(), Collector()
    poller = jsonl_poller(path, SourceCursor(tmp_path / "sources.db"), deliver, clock)

    sizes = [outcome.items for _ in range(4) for outcome in poller.poll_once()]

    assert sizes == [500, 500, 200]
    assert len(deliver.records) == 1_200


def test_health_is_exported_as_prometheus_metrics(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    append(path, article_line(HEADLINES[0]), article_line(HEADLINES[1]))
    clock, deliver = FakeClock(), Collector()
    poller = jsonl_poller(path, SourceCursor(tmp_path / "sources.db"), deliver, clock)
    name = f"wire-{tmp_path.name}"

    poller.poll_once()

    labels = {"source": name}
    assert REGISTRY.get_sample_value("marsad_source_items_delivered_total", labels) == 2
    assert REGISTRY.get_sample_value("marsad_source_polls_total", {**labels, "outcome": "delivered"}) == 1
    assert REGISTRY.get_sample_value("marsad_source_consecutive_failures", labels) == 0
    assert REGISTRY.get_sample_value("marsad_source_last_success_timestamp_seconds", labels) == clock.now
    assert REGISTRY.get_sample_value("marsad_source_next_poll_timestamp_seconds", labels) == clock.now + 5
    assert poller.health()[name]["items_delivered"] == 2


def test_run_keeps_following_until_stopped(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    append(path, article_line(HEADLINES[0]))
    delivered = threading.Event()
    deliver = Collector()

    def deliver_and_signal(records: list[RawInput]) -> None:
        deliver(records)
        if len(deliver.records) == 2:
            delivered.set()

    spec = JsonlSourceSpec(name=f"live-{tmp_path.name}", type="jsonl", path=path, interval_s=0.02)
    poller = SourcePoller([spec], SourceCursor(tmp_path / "sources.db"), deliver_and_signal)
    stop = threading.Event()
    worker = threading.Thread(target=poller.run, args=(stop,))
    worker.start()
    try:
        append(path, article_line(HEADLINES[1]))
        assert delivered.wait(timeout=2)
    finally:
        stop.set()
        worker.join(timeout=2)

    assert not worker.is_alive()
    assert deliver.titles() == HEADLINES[:2]
