"""Alert routing: channels per rule, realert and digests, spike windows, rules reload."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import queue
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from marsad.embedded import EmbeddedPipeline
from marsad.topics.definitions import ALERTS, DLQ
from marsad.topics.records import Alert, DeadLetter, EnrichedDocument, RawInput, SourcePosition
from marsad.workers import metrics
from marsad.workers.alerting import Notifier, RulesWatcher
from marsad.workers.config import ConfigError, load_yaml
from marsad.workers.elastic.writer import Refused
from marsad.workers.kafka.commit import CommitBatch, Decided, Message, Outgoing, worker_sequence
from marsad.workers.pipeline import Processed
from marsad.workers.stages.alerts import AlertRule, RuleFile, Spike, SpikeWindows
from marsad.workers.stages.dedup import Fingerprint
from marsad.workers.webhook import Delivery

pytestmark = pytest.mark.unit

HOUR = 3600.0


class Outbox:
    """Stands in for the webhook sender: records what would be posted."""

    def __init__(self) -> None:
        self.sent: list[Delivery] = []
        self.closed = False

    def submit(self, delivery: Delivery) -> None:
        self.sent.append(delivery)

    def close(self, timeout_seconds: float) -> None:
        self.closed = True

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(delivery.body) for delivery in self.sent]


def rules(*specs: dict[str, Any]) -> dict[str, AlertRule]:
    return {rule.id: rule for rule in RuleFile.model_validate({"rules": list(specs)}).rules}


def fired(rule: str, story: str, title: str = "عنوان") -> Processed:
    document = EnrichedDocument(
        id=story,
        source="sana",
        url=f"https://example.test/{story}",
        title=title,
        published_at=None,
        ingested_at="2026-01-01T00:00:00.000Z",
        body="نص",
        content_hash="h",
        duplicate_of=None,
        story_id=story,
        alerts=(rule,),
    )
    alert = Alert(rule, story, story, ("طرطوس",), f"2026-01-01T00:00:{len(story):02d}.000Z")
    fingerprint = Fingerprint.__new__(Fingerprint)  # never read by the notifier
    return Processed(document, (alert,), fingerprint, replay=False, remembered=True, event_time=0.0)


class Sent:
    """A notifier with its outbox, driven as the runners drive it: route, then send."""

    def __init__(self, rule_map: Mapping[str, AlertRule], outbox: Outbox) -> None:
        self.notifier = Notifier(
            lambda: rule_map, lambda story: f"http://marsad.test/story/{story}", outbox, queue.SimpleQueue()
        )

    def notify(self, processed: Sequence[Processed], now: float) -> list[Alert]:
        """The alerts routed to Kafka."""
        notices = self.notifier.route(processed, now)
        self.notifier.send(notices)
        return [notice.alert for notice in notices if notice.to_kafka]

    def flush_digests(self, now: float) -> None:
        self.notifier.flush_digests(now)

    def close(self, timeout_seconds: float) -> None:
        self.notifier.close(timeout_seconds)


def notifier(rule_map: Mapping[str, AlertRule], outbox: Outbox) -> Sent:
    return Sent(rule_map, outbox)


def logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "marsad.alerts"]


@pytest.fixture(autouse=True)
def registry() -> Iterator[CollectorRegistry]:
    previous = metrics.default
    own = metrics.use(CollectorRegistry())
    yield own.registry
    metrics.default = previous


def metric(name: str, **labels: str) -> float:
    return metrics.default.registry.get_sample_value(name, labels) or 0.0


# ---------------------------------------------------------------------------------------------- channels


def test_each_rule_reaches_only_its_channels(caplog: pytest.LogCaptureFixture) -> None:
    rule_map = rules(
        {"id": "default", "keywords": ["a"]},
        {"id": "quiet", "keywords": ["a"], "channels": ["elasticsearch"]},
        {"id": "hook", "keywords": ["a"], "channels": [{"webhook": "http://hooks.test/in"}]},
        {"id": "both", "keywords": ["a"], "channels": ["log", {"webhook": "http://hooks.test/x"}]},
    )
    outbox = Outbox()
    caplog.set_level(logging.WARNING, logger="marsad.alerts")
    to_kafka = notifier(rule_map, outbox).notify(
        [fired("default", "s1"), fired("quiet", "s2"), fired("hook", "s3"), fired("both", "s4")], now=0.0
    )
    assert [alert.rule for alert in to_kafka] == ["default"]  # default channels: log and kafka
    assert [message.split(":")[0] for message in logged(caplog)] == ["alert default", "alert both"]
    assert [(d.rule, d.url, d.key) for d in outbox.sent] == [
        ("hook", "http://hooks.test/in", "hook:s3"),
        ("both", "http://hooks.test/x", "both:s4"),
    ]


def test_webhook_body_is_the_alert_with_title_source_url_and_story_link() -> None:
    outbox = Outbox()
    item = fired("hook", "story-1", title="سفن في طرطوس")
    notifier(rules({"id": "hook", "keywords": ["a"], "channels": [{"webhook": "http://h.test/"}]}), outbox).notify(
        [item], now=0.0
    )
    (body,) = outbox.bodies()
    assert body == item.fired[0].to_dict() | {
        "title": "سفن في طرطوس",
        "source": "sana",
        "url": "https://example.test/story-1",
        "story_url": "http://marsad.test/story/story-1",
    }


def test_an_alert_of_a_removed_rule_is_logged_only(caplog: pytest.LogCaptureFixture) -> None:
    outbox = Outbox()
    caplog.set_level(logging.WARNING, logger="marsad.alerts")
    assert notifier({}, outbox).notify([fired("gone", "s1")], now=0.0) == []
    assert len(logged(caplog)) == 1 and outbox.sent == []


# ---------------------------------------------------------------------------------------------- realert, digest


def test_realert_spaces_notifications_of_one_rule_only(caplog: pytest.LogCaptureFixture) -> None:
    rule_map = rules(
        {"id": "spaced", "keywords": ["a"], "realert": 600},  # seconds
        {"id": "free", "keywords": ["a"]},
    )
    send = notifier(rule_map, Outbox())
    caplog.set_level(logging.WARNING, logger="marsad.alerts")
    kafka = [
        alert.story_id
        for t, story in [(0, "s1"), (300, "s2"), (599, "s3"), (600, "s4"), (900, "s5")]
        for alert in send.notify([fired("spaced", story)], now=t)
    ]
    kafka += [alert.story_id for alert in send.notify([fired("free", "f1"), fired("free", "f2")], now=900)]
    assert kafka == ["s1", "s4", "f1", "f2"]
    assert len(logged(caplog)) == 4
    assert metric("marsad_alerts_held_total", rule="spaced") == 3


def test_digest_sends_what_realert_held_once_the_period_is_over(caplog: pytest.LogCaptureFixture) -> None:
    rule_map = rules(
        {
            "id": "d",
            "keywords": ["a"],
            "realert": "PT10M",
            "digest": True,
            "channels": ["log", {"webhook": "http://h.test/"}],
        }
    )
    outbox = Outbox()
    send = notifier(rule_map, outbox)
    caplog.set_level(logging.WARNING, logger="marsad.alerts")
    try:
        send.notify([fired("d", "s1")], now=0)
        send.notify([fired("d", "s2"), fired("d", "s3")], now=60)
        send.flush_digests(now=599)  # still inside the period
        assert [body.get("digest") for body in outbox.bodies()] == [None]
        send.flush_digests(now=600)
        digest = outbox.bodies()[1]
        assert digest["digest"] is True and digest["rule"] == "d" and digest["held"] == 2
        assert [event["story_id"] for event in digest["alerts"]] == ["s2", "s3"]
        assert outbox.sent[1].key == "digest:d:600.000"
        assert logged(caplog)[-1].startswith("alert digest d: 2 alerts held back since")
        # The digest opened a new period: an alert inside it is held for the next digest.
        send.notify([fired("d", "s4")], now=700)
        assert len(outbox.sent) == 2
        send.flush_digests(now=1200)
        assert [event["story_id"] for event in outbox.bodies()[2]["alerts"]] == ["s4"]
        send.flush_digests(now=5000)  # nothing held: nothing sent
        assert len(outbox.sent) == 3
        send.notify([fired("d", "s5")], now=5000)
        send.notify([fired("d", "s6")], now=5010)
    finally:
        send.close(1.0)
    assert outbox.closed
    # At a stop, what is held goes out as a digest at once.
    assert outbox.bodies()[-1]["digest"] is True and outbox.bodies()[-1]["held"] == 1
    assert [event["story_id"] for event in outbox.bodies()[-1]["alerts"]] == ["s6"]


def test_an_alert_after_the_period_goes_out_with_the_digest_before_it() -> None:
    rule_map = rules(
        {"id": "d", "keywords": ["a"], "realert": 600, "digest": True, "channels": [{"webhook": "http://h.test/"}]}
    )
    outbox = Outbox()
    send = notifier(rule_map, outbox)
    try:
        send.notify([fired("d", "s1")], now=0)
        send.notify([fired("d", "s2")], now=10)
        send.notify([fired("d", "s3")], now=700)
        assert [(body.get("digest"), body.get("story_id")) for body in outbox.bodies()] == [
            (None, "s1"),
            (True, None),
            (None, "s3"),
        ]
    finally:
        send.close(1.0)


def test_without_digest_held_alerts_are_only_stored() -> None:
    rule_map = rules({"id": "r", "keywords": ["a"], "realert": 600, "channels": [{"webhook": "http://h.test/"}]})
    outbox = Outbox()
    send = notifier(rule_map, outbox)
    send.notify([fired("r", "s1"), fired("r", "s2")], now=0)
    send.flush_digests(now=10_000)
    assert [body["story_id"] for body in outbox.bodies()] == ["s1"]


@pytest.mark.parametrize(
    "rule",
    [
        {"id": "d", "keywords": ["a"], "digest": True},  # a digest of nothing: needs realert
        {"id": "r", "keywords": ["a"], "realert": 0},
        {"id": "s", "keywords": ["a"], "spike": {"window": 3600, "factor": 1}},
        {"id": "s", "keywords": ["a"], "spike": {"factor": 3}},  # no window
    ],
)
def test_invalid_realert_digest_and_spike_settings_are_refused(rule: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        AlertRule.model_validate(rule)


# ---------------------------------------------------------------------------------------------- spike


def run_spike(spike: Spike, times: Sequence[float]) -> list[float]:
    windows = SpikeWindows()
    return [at for at in times if windows.observe("spike", spike, at)]


def test_spike_fires_when_the_window_outgrows_its_baseline() -> None:
    spike = Spike(window=timedelta(hours=1), factor=3, min_count=3)
    # One mention an hour before; the third mention within an hour makes 3 >= 3 × 1.
    assert run_spike(spike, [0.1 * HOUR, 1.2 * HOUR, 1.5 * HOUR, 1.8 * HOUR, 1.9 * HOUR]) == [1.8 * HOUR]
    # Two in the hour before: three are not enough, six are, and the burst is one alert.
    steady = [0.5 * HOUR, 0.55 * HOUR] + [h * HOUR for h in (1.6, 1.7, 1.8, 1.9, 1.95, 1.99)]
    assert run_spike(spike, steady) == [1.99 * HOUR]
    # Never min_count in one window: no spike, whatever the baseline.
    assert run_spike(spike, [i * 0.6 * HOUR for i in range(10)]) == []


def test_spike_baseline_is_the_mean_of_several_windows() -> None:
    times = [h * HOUR for h in (0.1, 0.2, 0.3, 1.1, 1.2, 1.3)]
    one = Spike(window=timedelta(hours=1), factor=2, min_count=3)
    three = Spike(window=timedelta(hours=1), factor=2, min_count=3, baseline_windows=3)
    # From nothing, the first burst is a spike. The second is one against the hour before (3 vs 3) but
    # twice the mean of the three hours before (3 vs 1).
    assert run_spike(one, times) == [0.3 * HOUR]
    assert run_spike(three, times) == [0.3 * HOUR, 1.3 * HOUR]


def test_spike_fires_again_only_a_window_later() -> None:
    spike = Spike(window=timedelta(minutes=10), factor=2, min_count=2)
    minutes = [0, 1, 2, 3, 11, 12, 13, 40, 41]
    # 2, 3: inside the first spike's window; 11-13: not twice the window before; 41: a new burst.
    assert run_spike(spike, [m * 60.0 for m in minutes]) == [1 * 60.0, 41 * 60.0]


def test_spike_depends_on_event_times_not_on_arrival_within_a_window() -> None:
    spike = Spike(window=timedelta(hours=1), factor=3, min_count=3)
    in_order = [0.1 * HOUR, 1.2 * HOUR, 1.5 * HOUR, 1.8 * HOUR]
    late = [0.1 * HOUR, 1.5 * HOUR, 1.8 * HOUR, 1.2 * HOUR]  # one mention arrives after a later one
    assert run_spike(spike, in_order) == [1.8 * HOUR]
    assert run_spike(spike, late) == [1.2 * HOUR]  # the same burst, seen at the arrival that completes it
    # Older than the newest by more than a window: not counted at all.
    assert run_spike(spike, [3 * HOUR, 3.1 * HOUR, 1.0 * HOUR, 3.2 * HOUR]) == [3.2 * HOUR]


# ---------------------------------------------------------------------------------------------- reload


def write_rules(path: Path, text: str, stamp: int) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))  # a distinct modification time, however fast the test runs


def test_rules_reload_when_the_file_changes_and_bad_files_keep_the_rules_in_force(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "alerts.yaml"
    write_rules(path, "rules:\n  - id: a\n    keywords: [طرطوس]\n", 1_000_000_000)
    watcher = RulesWatcher(path)
    assert not watcher.check()  # unchanged

    write_rules(path, "rules:\n  - id: b\n    keywords: [حميميم]\n    realert: 60\n", 2_000_000_000)
    assert watcher.check()
    assert list(watcher.by_id) == ["b"] and watcher.by_id["b"].realert == timedelta(seconds=60)
    assert [rule.id for rule in watcher.rules.rules] == ["b"]
    assert metric("marsad_rules_loaded") == 1

    caplog.set_level(logging.ERROR)
    for stamp, text in [(3, "rules:\n  - id: c\n    keyword: [x]\n"), (4, "rules: [\n"), (5, "")]:
        write_rules(path, text, stamp * 1_000_000_000)
        assert not watcher.check()
        assert list(watcher.by_id) == ["b"]
    assert sum("not reloaded, the 1 rules in force are kept" in r.getMessage() for r in caplog.records) == 3
    path.unlink()
    assert not watcher.check() and list(watcher.by_id) == ["b"]
    assert metric("marsad_rules_reloads_total", outcome="failed") == 4
    assert metric("marsad_rules_reloads_total", outcome="loaded") == 1


def test_an_invalid_rules_file_at_start_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text("rules:\n  - id: x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"(?s)alerts\.yaml: .*needs at least one of keywords"):
        RulesWatcher(path)


def test_load_yaml_names_the_file_in_every_kind_of_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"absent\.yaml"):
        load_yaml(tmp_path / "absent.yaml", RuleFile)
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"rules: [\xff\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml"):
        load_yaml(bad, RuleFile)
    good = tmp_path / "good.yaml"
    good.write_text("rules:\n  - id: a\n    keywords: [x]\n", encoding="utf-8")
    assert load_yaml(good, RuleFile).rules[0].channels == ("log", "kafka")


# ---------------------------------------------------------------------------------------------- embedded runner


def article(doc_id: str, body: str, published_at: str | None = None) -> RawInput:
    record = {"id": doc_id, "title": "خبر", "body": body, "source": "test"}
    if published_at is not None:
        record["published_at"] = published_at
    return RawInput(json.dumps(record, ensure_ascii=False).encode(), SourcePosition(source="test"))


def test_the_embedded_pipeline_reloads_rules_between_batches(
    make_pipeline: Callable[..., EmbeddedPipeline], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "alerts.yaml"
    write_rules(path, "rules:\n  - id: tartus\n    keywords: [طرطوس]\n", 1_000_000_000)
    pipeline = make_pipeline(rules=path)
    caplog.set_level(logging.WARNING, logger="marsad.alerts")
    assert pipeline.ingest([article("a1", "رست سفينة في ميناء طرطوس صباح اليوم.")]).alerts == 1
    assert pipeline.ingest([article("a2", "هبطت طائرة في قاعدة حميميم الجوية مساء أمس.")]).alerts == 0

    write_rules(path, "rules:\n  - id: hmeimim\n    keywords: [حميميم]\n    channels: [elasticsearch]\n", 2 * 10**9)
    assert pipeline.ingest([article("a3", "وصلت طائرة شحن ثانية إلى حميميم عند الفجر.")]).alerts == 1
    write_rules(path, "rules: [oops\n", 3 * 10**9)  # broken: the hmeimim rule stays in force
    assert pipeline.ingest([article("a4", "قال مسؤول إن مطار حميميم استقبل رحلات جديدة.")]).alerts == 1
    assert [alert.rule for alert in pipeline.store.alerts()] == ["tartus", "hmeimim", "hmeimim"]
    assert len(logged(caplog)) == 1  # only tartus routes to the log


def test_a_spike_rule_fires_once_per_burst_in_event_time(
    make_pipeline: Callable[..., EmbeddedPipeline], tmp_path: Path
) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text(
        "rules:\n  - id: tartus-spike\n    keywords: [طرطوس]\n    spike: {window: PT1H, factor: 3, min_count: 3}\n",
        encoding="utf-8",
    )
    pipeline = make_pipeline(rules=path)
    sentences = [
        "افتتح في طرطوس معرض للكتاب يضم دور نشر من عدة محافظات.",
        "تضرر مرفأ طرطوس من عاصفة بحرية شديدة ضربت الساحل ليلاً.",
        "أعلنت مديرية التربية في طرطوس مواعيد الامتحانات النهائية.",
        "وصلت إلى طرطوس قافلة مساعدات طبية محملة بالأدوية واللقاحات.",
        "عقد مجلس مدينة طرطوس اجتماعاً لمناقشة خطة النظافة الصيفية.",
    ]
    times = [
        "2026-01-01T08:00:00Z",
        "2026-01-01T10:05:00Z",
        "2026-01-01T10:20:00Z",
        "2026-01-01T10:40:00Z",
        "2026-01-01T10:50:00Z",
    ]
    summaries = [
        pipeline.ingest([article(f"s{i}", text, at)]) for i, (text, at) in enumerate(zip(sentences, times, strict=True))
    ]
    # One mention at 08:00 is no baseline for 10:00-11:00; the third mention in that hour is 3 ≥ 3 × 0.
    assert [summary.alerts for summary in summaries] == [0, 0, 0, 1, 0]
    assert [(alert.rule, alert.story_id) for alert in pipeline.store.alerts()] == [("tartus-spike", "s3")]
    # Every mention is a match of the rule, kept on the document.
    assert all(document.alerts == ("tartus-spike",) for document in pipeline.store.documents())


# ---------------------------------------------------------------------------------------------- worker sequence


class Published:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.log: list[str] = []

    async def publish(self, messages: Sequence[Message]) -> None:
        self.messages.extend(messages)
        self.log.append("publish")


class NoRefusals:
    async def write(self, actions: list[dict[str, Any]], concurrent: bool = False) -> list[Refused]:
        return []


def test_the_worker_publishes_only_kafka_routed_alerts_and_notifies_after_the_ack() -> None:
    rule_map = rules(
        {"id": "topic", "keywords": ["a"]},
        {"id": "hook", "keywords": ["a"], "channels": [{"webhook": "http://h.test/"}]},
        {"id": "spaced", "keywords": ["a"], "realert": 600},
    )
    outbox, publisher = Outbox(), Published()
    letters: queue.SimpleQueue[DeadLetter] = queue.SimpleQueue()
    letters.put(DeadLetter("webhook", "given up", b"{}", SourcePosition(source="webhook:hook")))
    router = Notifier(lambda: rule_map, lambda story: f"/story/{story}", outbox, letters)
    items = [fired("topic", "s1"), fired("hook", "s2"), fired("spaced", "s3"), fired("spaced", "s4")]
    outgoing = [
        Outgoing(
            item.document.id, b"{}", tuple(((a.rule, a.story_id), json.dumps(a.to_dict()).encode()) for a in item.fired)
        )
        for item in items
    ]
    decided = Decided(items, [], [], [], outgoing)

    async def ack() -> None:
        publisher.log.append(f"ack, {len(outbox.sent)} webhooks sent")

    sequence = worker_sequence(NoRefusals(), publisher, 1_000_000, router)
    asyncio.run(sequence.run(CommitBatch(decided, {}, ack)))
    assert sequence.names.index("route") < sequence.names.index("topics")
    assert sequence.names.index("acks") < sequence.names.index("notify")
    on_topic = [json.loads(m.value)["story_id"] for m in publisher.messages if m.topic == ALERTS]
    assert on_topic == ["s1", "s3"]  # hook is webhook-only; s4 is held by realert
    assert [json.loads(m.value)["stage"] for m in publisher.messages if m.topic == DLQ] == ["webhook"]
    assert "ack, 0 webhooks sent" in publisher.log
    assert [delivery.key for delivery in outbox.sent] == ["hook:s2"]


def test_spike_windows_survive_a_restart(make_pipeline: Callable[..., EmbeddedPipeline], tmp_path: Path) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text(
        "rules:\n  - id: surge\n    keywords: [طرطوس]\n    spike: {window: PT1H, factor: 2, min_count: 3}\n",
        encoding="utf-8",
    )
    sentences = [
        "افتتح في طرطوس معرض للكتاب يضم دور نشر من عدة محافظات.",
        "تضرر مرفأ طرطوس من عاصفة بحرية شديدة ضربت الساحل ليلاً.",
        "أعلنت مديرية التربية في طرطوس مواعيد الامتحانات النهائية.",
        "وصلت إلى طرطوس قافلة مساعدات طبية محملة بالأدوية واللقاحات.",
    ]
    times = ["2026-01-01T10:05:00Z", "2026-01-01T10:20:00Z", "2026-01-01T10:40:00Z", "2026-01-01T10:50:00Z"]
    mentions = [article(f"r{i}", text, at) for i, (text, at) in enumerate(zip(sentences, times, strict=True))]
    store = tmp_path / "store"
    first = make_pipeline(store=store, rules=path)
    assert first.ingest(mentions[:2]).alerts == 0  # two mentions: under min_count
    first.close()
    # Restarted: the two stored mentions are back in the window, so the third makes the spike; the fourth is
    # inside the same burst.
    second = make_pipeline(store=store, rules=path)
    assert [second.ingest([mention]).alerts for mention in mentions[2:]] == [1, 0]
