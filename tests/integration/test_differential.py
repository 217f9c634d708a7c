"""Differential test (issue 7): one corpus, any arrival order, either mode, the same stories and alerts.

The corpus is made at test time from the seed articles and our own port story: originals with publication
times, reprints (diacritics, boilerplate, one word changed) published later but listed before their
original for half of them, an exact reprint, a story of successive edits whose last is the earliest, an
article without a publication time, «بطرطوس» in the alert words, a name learned from two sources that a third
names without the context that reveals it. It runs through the embedded mode in file
order, reversed and shuffled (small batches), and through the distributed mode (4 raw partitions, two
workers) in shuffled order; every export (every field but ``ingested_at``) and every stored alert must be
the same.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from distributed_support import (
    ORIGINAL,
    SEEDS,
    Deployment,
    es_alerts,
    es_documents,
    group_caught_up,
    jsonl,
    wait_until,
    workers,
)

from marsad.embedded import EmbeddedPipeline
from marsad.producer import produce
from marsad.topics.definitions import PREPARED, RAW
from marsad.topics.records import RawInput, SourcePosition
from marsad.workers.elastic.writer import DERIVED_FIELDS
from marsad.workers.settings import Settings

pytestmark = pytest.mark.integration

BASE = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
DIACRITICS = "\u064e\u064f\u0650"
COACH = "زوران ميلكوفيتش"


def at(minutes: int) -> str:
    return (BASE + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def reprinted(body: str, rng: random.Random) -> str:
    """A reprint: diacritics on a few words, one word replaced, a boilerplate line appended."""
    return edited(body, rng, 1) + "\nاقرأ أيضاً: تطورات أخرى في المنطقة"


def edited(body: str, rng: random.Random, changes: int) -> str:
    """``changes`` words replaced, and diacritics on a few others."""
    words = body.split(" ")
    for position in rng.sample(range(len(words)), min(changes, len(words))):
        words[position] = "كذلك"
    for position in rng.sample(range(len(words)), min(5, len(words))):
        if words[position] and "\u0621" <= words[position][0] <= "\u064a":
            words[position] = words[position][0] + rng.choice(DIACRITICS) + words[position][1:]
    return " ".join(words)


def corpus() -> list[dict[str, Any]]:
    rng = random.Random(20261130)
    records: list[dict[str, Any]] = []
    for number, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        title, _, body = path.read_text(encoding="utf-8").strip().partition("\n")
        original = {"id": f"seed-{path.stem}", "title": title, "body": body.strip(), "published_at": at(60 * number)}
        reprint = {
            "id": f"reprint-{path.stem}",
            "title": title,
            "body": reprinted(body.strip(), rng),
            "published_at": at(60 * number + 25),
        }
        records.extend([reprint, original] if number % 2 else [original, reprint])  # half listed first
    port = {**ORIGINAL, "id": "port-wire", "published_at": at(600)}
    port_body = str(port["body"])
    records.append({**port, "id": "port-exact", "body": port_body.replace("  ", " "), "published_at": at(700)})
    records.append(port)
    records.append(
        {**port, "id": "port-aggregator", "body": reprinted(port_body, rng), "published_at": at(640), "url": None}
    )
    # Successive edits of one text (the seeds' words, shuffled: no seed's sentences), the last one the earliest.
    seed_words = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))).split()
    link = " ".join(rng.sample(seed_words, 60))
    for index, minutes in enumerate((900, 920, 880)):
        link = edited(link, rng, 3)
        body = link + " بطرطوس"
        records.append({"id": f"chain-{index}", "title": "تعديلات", "body": body, "published_at": at(minutes)})
    records.append({"id": "no-time", "title": "خبر بلا تاريخ", "body": "خبر قصير عن حميميم بلا تاريخ نشر يذكره الناشر"})
    # A name no list has, learned from two sources that give his title; a third names him bare (listed last: the
    # reversed run meets it before the name is learned).
    for source, body in (
        ("sana", f"قال المدرب {COACH} إن فريقه جاهز للمباراة النهائية."),
        ("enab", f"أكد المدرب {COACH} أن اللاعبين المصابين تعافوا."),
        ("alhurra", f"وصل {COACH} إلى العاصمة صباح اليوم قادما من بلغراد."),
    ):
        records.append({"id": f"coach-{source}", "source": source, "title": "الدوري", "body": body})
    return records


def export(documents: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        doc["id"]: {k: v for k, v in doc.items() if k not in ("ingested_at", "_version", *DERIVED_FIELDS)}
        for doc in documents
    }


def alert_set(alerts: list[dict[str, Any]]) -> set[tuple[str, str, str, tuple[str, ...]]]:
    return {(a["rule"], a["doc_id"], a["story_id"], tuple(a["matched"])) for a in alerts}


def embedded_run(records: list[dict[str, Any]], store: Path, batch_size: int) -> tuple[dict[str, Any], set[Any]]:
    raws = [
        RawInput(json.dumps(record, ensure_ascii=False).encode("utf-8"), SourcePosition("corpus", line=line))
        for line, record in enumerate(records, start=1)
    ]
    pipeline = EmbeddedPipeline(Settings(store=store))
    try:
        pipeline.ingest(raws, batch_size=batch_size)
        documents = [document.to_dict() for document in pipeline.store.documents()]
        return export(documents), alert_set([alert.to_dict() for alert in pipeline.store.alerts()])
    finally:
        pipeline.close()


@pytest.fixture
def deployment(make_deployment: Callable[[str], Deployment]) -> Deployment:
    return make_deployment("diff")


def test_embedded_and_distributed_decide_alike_in_any_order(deployment: Deployment, tmp_path: Path) -> None:
    records = corpus()
    shuffled = random.Random(3).sample(records, len(records))
    documents, alerts = embedded_run(records, tmp_path / "in-order", batch_size=128)

    # The corpus exercises what it should: reprints linked, a late original, the chain in one story.
    by_id = documents
    assert all(by_id[f"reprint-{p.stem}"]["duplicate_of"] == f"seed-{p.stem}" for p in SEEDS.glob("*.txt"))
    assert by_id["port-aggregator"]["duplicate_of"] == "port-wire" == by_id["port-exact"]["duplicate_of"]
    assert {by_id[f"chain-{i}"]["story_id"] for i in range(3)} == {"chain-2"}
    assert ("tartus", "port-wire", "port-wire") in {alert[:3] for alert in alerts}
    assert [e["canonical"] for e in by_id["coach-alhurra"]["entities"] if e["type"] == "PER"] == [COACH]

    for name, order, batch_size in (("reversed", records[::-1], 2), ("shuffled", shuffled, 3)):
        assert embedded_run(order, tmp_path / name, batch_size) == (documents, alerts), name

    corpus_file = tmp_path / "corpus.jsonl"
    corpus_file.write_bytes(jsonl(*shuffled))
    settings = deployment.settings()
    with workers(deployment, tmp_path, count=2):
        assert produce(settings, [str(corpus_file)], follow=False) == 0
        wait_until(lambda: len(es_documents(deployment)) == len(records), "every document indexed", timeout=90)
        wait_until(lambda: group_caught_up(deployment, settings.consumer_group, (RAW, PREPARED)), "offset commits")
    assert export(list(es_documents(deployment).values())) == documents
    assert alert_set(es_alerts(deployment)) == alerts
