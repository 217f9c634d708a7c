"""Name discovery: a name found from its context in enough distinct sources joins the learned gazetteer (sentences
written for these tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from marsad.embedded import EmbeddedPipeline
from marsad.topics.records import EnrichedDocument, Entity, RawInput, SourcePosition
from marsad.workers.settings import Settings
from marsad.workers.stages.discovery import Candidate, NameDiscovery, spelling_key

pytestmark = pytest.mark.unit


def document(doc_id: str, source: str | None, *names: tuple[str, str]) -> EnrichedDocument:
    entities = tuple(Entity(name, kind, name, 0, len(name)) for name, kind in names)  # type: ignore[arg-type]
    return EnrichedDocument(
        id=doc_id,
        source=source,
        url=None,
        title="",
        body="",
        published_at=None,
        ingested_at="2025-01-01T00:00:00Z",
        content_hash=doc_id,
        duplicate_of=None,
        story_id=doc_id,
        entities=entities,
        alerts=(),
    )


def test_spellings_of_one_name_share_a_key() -> None:
    assert spelling_key("إنزاغي") == spelling_key("إنزاجي")
    assert spelling_key("زيلينسكي") == spelling_key("زيلنسكي")
    assert spelling_key("سامر حداد") != spelling_key("سامي حداد")


def test_a_name_is_learned_once_enough_sources_named_it() -> None:
    discovery = NameDiscovery(known=["فلاديمير بوتين"], min_sources=2)
    seen: dict[str, Candidate] = {}
    seen |= discovery.observe(seen, [document("a", "sana", ("سيموني إنزاغي", "PER"))])
    assert [c.learned for c in seen.values()] == [False]
    seen |= discovery.observe(seen, [document("b", "sana", ("سيموني إنزاغي", "PER"))])  # the same source again
    assert [c.learned for c in seen.values()] == [False]
    seen |= discovery.observe(seen, [document("c", "alhurra", ("سيموني إنزاجي", "PER"))])  # another spelling
    (candidate,) = seen.values()
    assert candidate.learned
    assert candidate.canonical == "سيموني إنزاغي"  # the first spelling seen
    assert candidate.forms == ("سيموني إنزاغي", "سيموني إنزاجي")
    assert candidate.sources == ("alhurra", "sana")
    assert candidate.entry().aliases == ("سيموني إنزاجي",)


def test_gazetteer_names_and_sourceless_documents_are_not_counted() -> None:
    discovery = NameDiscovery(known=["فلاديمير بوتين"], min_sources=1)
    assert discovery.observe({}, [document("a", "sana", ("فلاديمير بوتن", "PER"))]) == {}  # a known name's spelling
    assert discovery.observe({}, [document("b", None, ("سامر حداد", "PER"))]) == {}


def raw(article: dict[str, str]) -> RawInput:
    return RawInput(json.dumps(article, ensure_ascii=False).encode(), SourcePosition("test"))


def test_the_embedded_runner_learns_persists_and_tags_a_discovered_name(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "store", discovery_min_sources=2)
    first = [
        {"id": "1", "source": "sana", "title": "تدريب", "body": "قال المدرب كريم بوزيان إن الفريق جاهز للمباراة."},
        {"id": "2", "source": "enab", "title": "مؤتمر", "body": "أكد المدرب كريم بوزيان أن اللاعبين بخير."},
    ]
    pipeline = EmbeddedPipeline(settings)
    try:
        pipeline.ingest([raw(article) for article in first])
    finally:
        pipeline.close()
    # Reopened: the learned name comes back from the store and is tagged without a title before it.
    pipeline = EmbeddedPipeline(settings)
    try:
        learned = [c for c in pipeline.store.name_candidates().values() if c.learned]
        assert [(c.canonical, c.type) for c in learned] == [("كريم بوزيان", "PER")]
        pipeline.ingest([raw({"id": "3", "source": "sana", "title": "رأي", "body": "يرى كريم بوزيان أن الموسم طويل."})])
        third = next(d for d in pipeline.store.documents() if d.id == "3")
        assert [(e.text, e.type, e.canonical) for e in third.entities] == [("كريم بوزيان", "PER", "كريم بوزيان")]
    finally:
        pipeline.close()


COACH = "زوران ميلكوفيتش"
# Two sources name the coach with his title; one names him bare (no rule finds him there); two name him inside a
# longer name the context rules find (a company) or across one (a stadium).
LEARNING = [
    {"id": "bare", "source": "alhurra", "title": "وصول", "body": f"وصل {COACH} إلى العاصمة صباح اليوم."},
    {"id": "titled-1", "source": "sana", "title": "تدريب", "body": f"قال المدرب {COACH} إن الفريق جاهز للمباراة."},
    {"id": "company", "source": "sana", "title": "مشروع", "body": f"أعلنت شركة {COACH} للمقاولات عن مشروع جديد."},
    {"id": "titled-2", "source": "enab", "title": "مؤتمر", "body": f"أكد المدرب {COACH} أن اللاعبين بخير."},
    {"id": "stadium", "source": "enab", "title": "زيارة", "body": f"زار الوفد ملعب {COACH} في المدينة."},
    {"id": "clitic", "source": "alquds", "title": "لقاء", "body": f"اجتمع رئيس النادي ب{COACH} أمس."},
]


def entities_after(tmp_path: Path, name: str, articles: list[dict[str, str]], batch_size: int) -> dict[str, Any]:
    pipeline = EmbeddedPipeline(Settings(store=tmp_path / name, discovery_min_sources=2))
    try:
        pipeline.ingest([raw(article) for article in articles], batch_size=batch_size)
        return {d.id: [(e.text, e.type, e.canonical, e.start) for e in d.entities] for d in pipeline.store.documents()}
    finally:
        pipeline.close()


def test_a_learned_name_is_tagged_in_earlier_documents_and_the_order_changes_nothing(tmp_path: Path) -> None:
    in_order = entities_after(tmp_path, "in-order", LEARNING, batch_size=1)
    # The bare mention came first, before anything was learned: it is tagged once the name is.
    assert in_order["bare"] == [(COACH, "PER", COACH, 4)]
    assert in_order["clitic"] == [(COACH, "PER", COACH, LEARNING[-1]["body"].index(COACH))]  # not «ب»
    # A learned name only fills gaps: the names the context rules found stay as they were.
    assert [e[:2] for e in in_order["company"]] == [(f"شركة {COACH} للمقاولات", "ORG")]
    assert all(e[1] != "PER" for e in in_order["stadium"])
    for name, order, batch_size in (("reversed", LEARNING[::-1], 1), ("pairs", LEARNING[1:] + LEARNING[:1], 2)):
        assert entities_after(tmp_path, name, order, batch_size) == in_order, name


def test_without_enough_sources_nothing_is_added(tmp_path: Path) -> None:
    one_source = [article for article in LEARNING if article["source"] != "enab"]
    assert entities_after(tmp_path, "store", one_source, batch_size=1)["bare"] == []
