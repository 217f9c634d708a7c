"""Event-time stories: the decider's decisions do not depend on arrival order.

The decider runs over a small in-memory implementation of ``DeciderState`` that applies what the decider
returns the way the runners do (documents, corrections, alerts fired, re-credited and withdrawn), so that a
rebuild in the middle of a stream is exercised too.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.embedded import EmbeddedPipeline
from marsad.topics.records import Alert, Article, EnrichedDocument, RawInput, SourcePosition
from marsad.workers.build import build_decider
from marsad.workers.pipeline import DeciderState, Prepared, Processed, StoryDecider, event_time
from marsad.workers.settings import Settings
from marsad.workers.stages.alerts import AlertRule, RuleMatch
from marsad.workers.stages.dedup import DedupEntry, Fingerprinter, ShingleSet
from marsad.workers.stages.normalize import normalize

pytestmark = pytest.mark.unit

TARTUS = AlertRule(id="tartus", keywords=("طرطوس",))
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
VOCABULARY = [
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
    "السكك",
    "الحديدية",
    "بالمدن",
    "الداخلية",
    "ضمن",
    "برنامج",
    "حكومي",
    "واسع",
    "لتطوير",
    "البنية",
    "التحتية",
    "والموانئ",
    "والطرق",
    "والمطارات",
    "ودعم",
    "شركات",
    "الشحن",
    "الإقليمية",
    "والتجارة",
    "البحرية",
    "والزراعة",
    "والصناعة",
    "والسياحة",
]


def text(rng: random.Random, words: int = 60) -> list[str]:
    return [rng.choice(VOCABULARY) for _ in range(words)]


def edited(words: list[str], positions: Sequence[int], rng: random.Random) -> list[str]:
    copy = list(words)
    for position in positions:
        copy[position] = f"{copy[position]}{rng.choice('بتثجحخ')}{position}"
    return copy


def corpus(seed: int = 7) -> list[tuple[str, str, str | None, bool]]:
    """(id, body, published_at, mentions Tartus): three stories with reprints, a chain A~B~C whose ends are
    not similar to each other, a clitic «بطرطوس» only in a reprint, and unrelated articles."""
    rng = random.Random(seed)
    base = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    items: list[tuple[str, str, str | None, bool]] = []

    def add(doc_id: str, words: list[str], minutes: int | None, tartus: str | None = None) -> None:
        body = words + ([tartus] if tartus else [])
        published = (base + timedelta(minutes=minutes)).isoformat() if minutes is not None else None
        items.append((doc_id, " ".join(body), published, tartus is not None))

    port = text(rng)
    add("port-wire", port, 0, "طرطوس")
    add("port-reprint-1", edited(port, [5], rng), 30, "بطرطوس")
    add("port-reprint-2", edited(port, [40, 50], rng), 45)
    add("port-exact", port, 90, "طرطوس")  # an exact reprint, an hour and a half later
    chain = text(rng)
    add("chain-a", chain, 10)
    chain_b = edited(chain, [3, 20, 37], rng)
    add("chain-b", chain_b, 20)
    add("chain-c", edited(chain_b, [10, 28, 50], rng), 5, "بطرطوس")  # the earliest of the chain
    same_minute = text(rng)
    add("tie-b", same_minute, 60, "طرطوس")
    add("tie-a", edited(same_minute, [12], rng), 60)  # same time: the smaller id is the original
    for number in range(3):
        add(f"single-{number}", text(rng), 100 + number, "طرطوس" if number == 0 else None)
    return items


def prepared_corpus(items: list[tuple[str, str, str | None, bool]]) -> list[Prepared]:
    fingerprints = Fingerprinter(64, 3)([normalize(body) for _, body, _, _ in items])
    prepared = []
    for (doc_id, body, published_at, tartus), fingerprint in zip(items, fingerprints, strict=True):
        surface = tuple(word for word in body.split() if word.endswith("طرطوس"))
        matches = (RuleMatch(TARTUS, surface),) if tartus else ()
        article = Article(id=doc_id, body=body, published_at=published_at)
        prepared.append(Prepared(article, body, fingerprint, (), matches, appended_at=NOW.timestamp()))
    return prepared


class MemoryState:
    """``DeciderState`` over dictionaries, written as the runners write."""

    def __init__(self) -> None:
        self.docs: dict[str, EnrichedDocument] = {}
        self.shingle_sets: dict[str, ShingleSet] = {}
        self.entries: dict[str, DedupEntry] = {}
        self.stored_alerts: dict[tuple[str, str], Alert] = {}
        self.notified: list[Alert] = []

    def known_documents(self, ids: Sequence[str]) -> dict[str, EnrichedDocument]:
        return {doc_id: self.docs[doc_id] for doc_id in ids if doc_id in self.docs}

    def shingles(self, doc_id: str) -> ShingleSet | None:
        return self.shingle_sets.get(doc_id)

    def dedup_entries(self, since: float, limit: int) -> list[DedupEntry]:
        entries = sorted((e for e in self.entries.values() if e.seen_at >= since), key=lambda e: e.seen_at)
        return entries[-limit:]

    def alerts(self) -> list[Alert]:
        return list(self.stored_alerts.values())

    def write(self, processed: Sequence[Processed]) -> None:
        for item in processed:
            if item.replay:
                continue
            document = item.document
            self.docs[document.id] = document
            self.shingle_sets[document.id] = item.fingerprint.shingles
            self.entries[document.id] = DedupEntry(
                document.id,
                document.story_id,
                document.content_hash,
                item.fingerprint.signature,
                NOW.timestamp(),
                item.event_time,
                item.remembered,
            )
            for fix in item.corrected:
                self.docs[fix.doc_id] = replace(
                    self.docs[fix.doc_id], story_id=fix.story_id, duplicate_of=fix.duplicate_of
                )
                self.entries[fix.doc_id] = replace(self.entries[fix.doc_id], story_id=fix.story_id)
            for alert in item.fired:
                assert (alert.rule, alert.story_id) not in self.stored_alerts
                self.stored_alerts[(alert.rule, alert.story_id)] = alert
                self.notified.append(alert)
            for key in item.withdrawn:
                del self.stored_alerts[key]
            for alert in item.recredited:
                self.stored_alerts[(alert.rule, alert.story_id)] = alert


def decider(state: DeciderState, **overrides: object) -> StoryDecider:
    return build_decider(Settings(**overrides), state)  # type: ignore[arg-type]


def run(prepared: Sequence[Prepared], batch_sizes: Sequence[int] = (), restart_after: int | None = None) -> MemoryState:
    state = MemoryState()
    story_decider = decider(state)
    position, batch_number, sizes = 0, 0, list(batch_sizes) or [len(prepared)]
    while position < len(prepared):
        size = sizes[batch_number % len(sizes)]
        batch = prepared[position : position + size]
        state.write(story_decider.decide_batch(batch, NOW))
        position, batch_number = position + size, batch_number + 1
        if batch_number == restart_after:
            story_decider = decider(state)  # rebuilt from what was written, as after a rebalance
    return state


def decisions(
    state: MemoryState,
) -> tuple[dict[str, tuple[str | None, str]], set[tuple[str, str, str, tuple[str, ...]]]]:
    documents = {doc_id: (doc.duplicate_of, doc.story_id) for doc_id, doc in state.docs.items()}
    alerts = {(a.rule, a.doc_id, a.story_id, a.matched) for a in state.stored_alerts.values()}
    return documents, alerts


PREPARED = prepared_corpus(corpus())


def test_in_event_order_the_earliest_article_is_the_original() -> None:
    documents, alerts = decisions(run(PREPARED))
    assert documents["port-wire"] == (None, "port-wire")
    for reprint in ("port-reprint-1", "port-reprint-2", "port-exact"):
        assert documents[reprint] == ("port-wire", "port-wire")
    # A~B and B~C, not A~C: one story, whose original is C, the earliest published.
    assert {documents[doc_id] for doc_id in ("chain-a", "chain-b")} == {("chain-c", "chain-c")}
    assert documents["chain-c"] == (None, "chain-c")
    assert documents["tie-a"] == (None, "tie-a") and documents["tie-b"] == ("tie-a", "tie-a")
    assert alerts == {
        ("tartus", "port-wire", "port-wire", ("بطرطوس", "طرطوس")),
        ("tartus", "chain-c", "chain-c", ("بطرطوس",)),
        ("tartus", "tie-a", "tie-a", ("طرطوس",)),
        ("tartus", "single-0", "single-0", ("طرطوس",)),
    }


def test_a_late_original_takes_over_its_story_and_its_alert() -> None:
    by_id = {p.article.id: p for p in PREPARED}
    state = MemoryState()
    story_decider = decider(state)
    state.write(story_decider.decide_batch([by_id["port-reprint-1"]], NOW))
    (fired,) = state.notified
    assert (fired.doc_id, fired.story_id, fired.matched) == ("port-reprint-1", "port-reprint-1", ("بطرطوس",))
    (item,) = story_decider.decide_batch([by_id["port-wire"]], NOW)
    assert item.document.duplicate_of is None and item.document.story_id == "port-wire"
    assert [(c.doc_id, c.story_id, c.duplicate_of) for c in item.corrected] == [
        ("port-reprint-1", "port-wire", "port-wire")
    ]
    assert item.fired == ()  # re-credited, not notified again
    assert item.withdrawn == (("tartus", "port-reprint-1"),)
    assert [(a.doc_id, a.story_id, a.matched, a.fired_at) for a in item.recredited] == [
        ("port-wire", "port-wire", ("بطرطوس", "طرطوس"), fired.fired_at)
    ]


def test_a_settled_story_keeps_its_original() -> None:
    by_id = {p.article.id: p for p in PREPARED}
    state = MemoryState()
    story_decider = decider(state, late_original_hours=1)
    state.write(story_decider.decide_batch([by_id["port-reprint-1"]], NOW))
    (item,) = story_decider.decide_batch([by_id["port-wire"]], NOW + timedelta(hours=2))
    assert (item.document.duplicate_of, item.corrected, item.fired) == ("port-reprint-1", (), ())


def test_a_replayed_article_writes_nothing() -> None:
    state = run(PREPARED)
    (item,) = decider(state).decide_batch([PREPARED[0]], NOW)
    assert item.replay and item.fired == () and item.corrected == ()


def test_event_time_is_published_at_else_append_time() -> None:
    assert event_time(Article("a", "نص", published_at="2026-11-20T08:00:00+02:00"), 5.0) == 1795154400.0
    assert event_time(Article("a", "نص", published_at="2026-11-20T06:00:00"), 5.0) == 1795154400.0  # UTC
    assert event_time(Article("a", "نص", published_at="not a date"), 5.0) == 5.0
    assert event_time(Article("a", "نص"), 5.0) == 5.0


@given(
    order=st.permutations(range(len(PREPARED))),
    batch_sizes=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=4),
    restart_after=st.none() | st.integers(min_value=1, max_value=4),
)
def test_arrival_order_never_changes_the_decisions(
    order: list[int], batch_sizes: list[int], restart_after: int | None
) -> None:
    expected = run(PREPARED)
    state = run([PREPARED[i] for i in order], batch_sizes, restart_after)
    assert decisions(state) == decisions(expected)
    # No two stories that each fired merge in this corpus: one notice per stored alert, whatever the order.
    assert len(state.notified) == len(expected.notified) == len(expected.stored_alerts)


def test_embedded_store_rewrites_a_story_in_place_after_a_restart(
    make_pipeline: Callable[..., EmbeddedPipeline], tmp_path: Path
) -> None:
    records = {doc_id: (body, published) for doc_id, body, published, _ in corpus()}

    def raw(doc_id: str) -> RawInput:
        body, published_at = records[doc_id]
        payload = {"id": doc_id, "body": body, "published_at": published_at}
        return RawInput(json.dumps(payload, ensure_ascii=False).encode("utf-8"), SourcePosition("test"))

    make_pipeline(tmp_path / "store").ingest([raw("port-reprint-1"), raw("port-reprint-2")])
    pipeline = make_pipeline(tmp_path / "store")  # rebuilt from the SQLite store
    summary = pipeline.ingest([raw("port-wire")])
    assert summary.alerts == 0  # the story's alert fired with the first reprint: re-credited, not sent again
    documents = {document.id: document for document in pipeline.store.documents()}
    assert [(d.id, d.duplicate_of, d.story_id) for d in documents.values()] == [
        ("port-reprint-1", "port-wire", "port-wire"),
        ("port-reprint-2", "port-wire", "port-wire"),
        ("port-wire", None, "port-wire"),
    ]
    ((seq, alert),) = pipeline.store.alerts_after(0, 10)
    assert (seq, alert["doc_id"], alert["story_id"]) == (1, "port-wire", "port-wire")  # kept its place
