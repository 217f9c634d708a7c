"""End to end on the seed articles, in the embedded mode: what a monitoring desk sees."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from marsad.embedded import EmbeddedPipeline
from marsad.sources.files import read_inputs
from marsad.workers.stages.entities import GazetteerTagger
from marsad.workers.stages.normalize import NormalizedText

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
ORACLE = yaml.safe_load((REPO / "tests" / "data" / "seed_entities.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def seeded(make_pipeline: Callable[..., EmbeddedPipeline], seeds_dir: Path) -> EmbeddedPipeline:
    pipeline = make_pipeline()
    summary = pipeline.ingest(read_inputs([seeds_dir]))
    assert summary.as_dict() == {"read": 5, "indexed": 5, "duplicates": 0, "rejected": 0, "alerts": 4}
    return pipeline


def test_alerts_fire_for_seeds_001_and_003_only(seeded: EmbeddedPipeline) -> None:
    fired = sorted((alert.doc_id[:3], alert.rule) for alert in seeded.store.alerts())
    assert fired == [("001", "hmeimim"), ("001", "tartus"), ("003", "hmeimim"), ("003", "tartus")]
    documents = {doc.id[:3]: doc for doc in seeded.store.documents()}
    assert {seed: set(doc.alerts) for seed, doc in documents.items()} == {
        "000": set(),
        "001": {"tartus", "hmeimim"},
        "002": set(),
        "003": {"tartus", "hmeimim"},
        "004": set(),
    }


@pytest.mark.parametrize("seed_file", sorted(ORACLE))
def test_named_people_places_and_organisations_are_tagged(seeded: EmbeddedPipeline, seed_file: str) -> None:
    document = seeded.store.document(seed_file.removesuffix(".txt"))
    assert document is not None
    in_body = {(entity.type, entity.canonical) for entity in document.entities}
    assert all(document.body[e.start : e.end] == e.text for e in document.entities)
    # Entity offsets point into the body (docs/interfaces.md §2); a name only in the title is found there.
    tagger = GazetteerTagger.from_directory(REPO / "config" / "gazetteer")
    in_title = {(e.type, e.canonical) for e in tagger.tag(NormalizedText.of(document.title))}
    expected = {(entry["type"], entry["canonical"]) for entry in ORACLE[seed_file]}
    assert expected - in_body - in_title == set()


def test_republished_copy_joins_the_story_and_fires_no_second_alert(
    seeded: EmbeddedPipeline, seed_text: Callable[[str], str], republished: Callable[[str], str], tmp_path: Path
) -> None:
    copy = tmp_path / "copy.jsonl"
    copy.write_text(json.dumps({"id": "reprint", "body": republished(seed_text("003"))}) + "\n", encoding="utf-8")
    summary = seeded.ingest(read_inputs([copy]))
    assert (summary.duplicates, summary.alerts) == (1, 0)
    reprint = seeded.store.document("reprint")
    assert reprint is not None
    assert reprint.duplicate_of == "003_af65a620f0aac1dc" == reprint.story_id
    assert not {"اقرأ", "الذهاب", "تابعونا"} & set(reprint.body.split())
    assert set(reprint.alerts) == {"tartus", "hmeimim"}
    assert len(seeded.store.alerts()) == 4


def test_dedup_and_alert_state_survive_a_restart(
    make_pipeline: Callable[..., EmbeddedPipeline],
    seeds_dir: Path,
    seed_text: Callable[[str], str],
    republished: Callable[[str], str],
    tmp_path: Path,
) -> None:
    store = tmp_path / "persistent"
    make_pipeline(store).ingest(read_inputs([seeds_dir]))
    restarted = make_pipeline(store)
    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps({"id": "later", "body": republished(seed_text("001"))}), encoding="utf-8")
    summary = restarted.ingest(read_inputs([copy]))
    assert (summary.duplicates, summary.alerts) == (1, 0)


def test_replaying_the_same_inputs_adds_nothing(seeded: EmbeddedPipeline, seeds_dir: Path) -> None:
    before = [doc.to_dict() for doc in seeded.store.documents()]
    summary = seeded.ingest(read_inputs([seeds_dir]))
    assert (summary.read, summary.duplicates, summary.alerts) == (5, 0, 0)
    assert [doc.to_dict() for doc in seeded.store.documents()] == before
    assert len(seeded.store.alerts()) == 4


def test_search_finds_clitic_forms_with_highlights(seeded: EmbeddedPipeline) -> None:
    hits = seeded.store.search("طرطوس", 10)
    assert {hit.document.id[:3] for hit in hits} == {"001", "003"}
    assert all("<mark>" in hit.snippet and "طرطوس" in hit.snippet for hit in hits)


def test_every_bad_record_is_rejected_with_a_reason_and_good_ones_around_it_indexed(
    make_pipeline: Callable[..., EmbeddedPipeline], tmp_path: Path
) -> None:
    good = [
        {"id": f"good-{n}", "title": f"خبر {n}", "body": f"افتتحت البلدية في اليوم {n} حديقة عامة جديدة للأطفال."}
        for n in range(3)
    ]
    lines = [
        json.dumps(good[0], ensure_ascii=False).encode(),
        b'{"id": "broken", "body": "\xd9\x86\xd8\xb5',  # invalid JSON (cut off)
        json.dumps({"id": "no-body", "title": "بلا نص"}, ensure_ascii=False).encode(),
        json.dumps({"id": "typed", "body": ["ليس", "نصا"]}, ensure_ascii=False).encode(),
        json.dumps(good[1], ensure_ascii=False).encode(),
        b'{"id": "latin1", "body": "caf\xe9"}',  # not UTF-8
        json.dumps({"id": "huge", "body": "ا" * 20_000_000}).encode(),
        json.dumps(good[2], ensure_ascii=False).encode(),
    ]
    feed = tmp_path / "mixed.jsonl"
    feed.write_bytes(b"\n".join(lines) + b"\n")
    pipeline = make_pipeline()
    summary = pipeline.ingest(read_inputs([feed]))
    assert (summary.read, summary.indexed, summary.rejected) == (8, 3, 5)
    assert [doc.id for doc in pipeline.store.documents()] == ["good-0", "good-1", "good-2"]
    reasons = [(reject["line"], reject["reason"]) for reject in pipeline.store.rejects()]
    assert [line for line, _ in reasons] == [2, 3, 4, 6, 7]
    assert reasons[0][1].startswith("invalid JSON")
    assert reasons[1][1] == "missing body"
    assert reasons[2][1] == "wrong type: body must be a string, got list"
    assert reasons[3][1].startswith("invalid UTF-8")
    assert reasons[4][1].startswith("oversized")
    assert all(reject["source"] == str(feed) for reject in pipeline.store.rejects())
