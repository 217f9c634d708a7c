"""The distributed path end to end: ``produce`` → Kafka → the Faust worker (a real process) → Elasticsearch.

One deployment for the module: the five seeds, our own original + near-duplicate and three poison records are
produced once and processed by one worker; the tests then read Elasticsearch and the topics. The last test
replays the whole raw topic through a fresh consumer group and checks that nothing was added.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from distributed_support import (
    EXPECTED_ALERTS,
    NEAR_DUPLICATE,
    ORIGINAL,
    POISON_LINES,
    SEED_IDS,
    SEEDS,
    Deployment,
    es_alerts,
    es_documents,
    group_caught_up,
    jsonl,
    own_deployment,
    topic_messages,
    wait_until,
    workers,
)

from marsad.producer import produce
from marsad.topics.definitions import ALERTS, DLQ, ENRICHED, PREPARED, RAW
from marsad.workers.elastic import reader

pytestmark = pytest.mark.integration

ARTICLE_IDS = {*SEED_IDS, ORIGINAL["id"], NEAR_DUPLICATE["id"]}


@pytest.fixture(scope="module")
def deployment(services: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    tmp_path = tmp_path_factory.mktemp("distributed")
    with own_deployment(services.kafka_bootstrap, services.elasticsearch_url, "dist") as deployed:
        samples = tmp_path / "samples.jsonl"
        # The near-duplicate is produced after its original (the same story's first document is the original).
        samples.write_bytes(jsonl(ORIGINAL, *POISON_LINES))
        copies = tmp_path / "copies.jsonl"
        copies.write_bytes(jsonl(NEAR_DUPLICATE))
        settings = deployed.settings()
        assert produce(settings, [str(SEEDS), str(samples)], follow=False) == 0
        with workers(deployed, tmp_path) as started:
            wait_until(lambda: ORIGINAL["id"] in es_documents(deployed), "the original to be indexed")
            assert produce(settings, [str(copies)], follow=False) == 0
            wait_until(lambda: set(es_documents(deployed)) == ARTICLE_IDS, "every article to be indexed")
            wait_until(lambda: len(topic_messages(deployed, DLQ)) == len(POISON_LINES), "the dead letters")
            wait_until(lambda: group_caught_up(deployed, settings.consumer_group, (RAW, PREPARED)), "offset commits")
            assert started[0].metric("marsad_articles_total", outcome="indexed") == len(ARTICLE_IDS) - 1
            yield deployed


def test_documents_are_indexed_with_entities(deployment: Deployment) -> None:
    documents = es_documents(deployment)
    assert set(documents) == ARTICLE_IDS
    for doc_id in SEED_IDS:
        document = documents[doc_id]
        assert document["entities"], f"{doc_id} has no entities"
        for entity in document["entities"]:
            assert document["body"][entity["start"] : entity["end"]] == entity["text"]
            assert entity["type"] in {"PER", "LOC", "ORG", "MISC"}
    places = {e["canonical"] for e in documents[ORIGINAL["id"]]["entities"] if e["type"] == "LOC"}
    assert {"حمص", "دمشق"} <= places


def test_near_duplicate_is_linked_to_its_original(deployment: Deployment) -> None:
    documents = es_documents(deployment)
    original, copy = documents[ORIGINAL["id"]], documents[NEAR_DUPLICATE["id"]]
    assert original["duplicate_of"] is None
    assert copy["duplicate_of"] == ORIGINAL["id"]
    assert copy["story_id"] == original["story_id"]
    assert "اقرأ أيضاً" not in copy["body"] and "زر الذهاب" not in copy["body"]  # boilerplate removed
    assert "أعلنَت" in copy["body"]  # original spelling kept


def test_search_for_the_bare_name_finds_the_prefixed_form(deployment: Deployment) -> None:
    hits = reader.search(deployment.settings(), "طرطوس", limit=20)
    by_id = {hit["id"]: hit for hit in hits}
    assert ORIGINAL["id"] in by_id
    assert "<mark>بطرطوس</mark>" in by_id[ORIGINAL["id"]]["snippet"]
    assert set(by_id[ORIGINAL["id"]]) == {
        "id",
        "title",
        "score",
        "snippet",
        "story_id",
        "duplicate_of",
        "source",
        "url",
        "published_at",
    }


def test_alerts_fire_once_per_story_in_the_index_and_the_topic(deployment: Deployment) -> None:
    indexed = es_alerts(deployment)
    assert len(indexed) == len(EXPECTED_ALERTS)
    assert {(alert["rule"], alert["doc_id"]) for alert in indexed} == EXPECTED_ALERTS
    published = [json.loads(value) for _, value in topic_messages(deployment, ALERTS)]
    assert len(published) == len(EXPECTED_ALERTS)
    assert {(alert["rule"], alert["doc_id"]) for alert in published} == EXPECTED_ALERTS
    listed = reader.alerts(deployment.settings())
    assert [alert["fired_at"] for alert in listed] == sorted(alert["fired_at"] for alert in listed)
    assert {(alert["rule"], alert["story_id"]) for alert in listed} == {
        (alert["rule"], alert["story_id"]) for alert in indexed
    }


def test_poison_records_reach_the_dead_letter_topic_with_reasons(deployment: Deployment) -> None:
    letters = [json.loads(value) for _, value in topic_messages(deployment, DLQ)]
    by_payload = {base64.b64decode(letter["payload_base64"]): letter for letter in letters}
    assert set(by_payload) == set(POISON_LINES)
    assert by_payload[POISON_LINES[0]]["reason"].startswith("invalid JSON")
    assert by_payload[POISON_LINES[1]]["reason"] == "missing body"
    assert by_payload[POISON_LINES[2]]["reason"].startswith("invalid UTF-8")
    for letter in letters:
        assert letter["stage"] == "validate"
        assert letter["topic"] == deployment.topic(RAW)
        assert letter["partition"] is not None and letter["offset"] is not None


def test_enriched_topic_has_every_document_keyed_by_id(deployment: Deployment) -> None:
    messages = topic_messages(deployment, ENRICHED)
    assert sorted(key.decode() for key, _ in messages if key) == sorted(ARTICLE_IDS)
    for key, value in messages:
        assert key is not None and json.loads(value)["id"] == key.decode()


def test_export_lists_every_document_in_ingest_order(deployment: Deployment) -> None:
    exported = list(reader.export(deployment.settings()))
    assert {document["id"] for document in exported} == ARTICLE_IDS
    ids = [document["id"] for document in exported]
    assert ids.index(ORIGINAL["id"]) < ids.index(NEAR_DUPLICATE["id"])


def test_full_replay_of_the_raw_topic_adds_nothing(
    deployment: Deployment, tmp_path: Path, unique_name: Callable[[str], str]
) -> None:
    before_documents = es_documents(deployment)
    before_alerts = es_alerts(deployment)
    before_published = len(topic_messages(deployment, ALERTS))
    group = unique_name("replay")
    with workers(deployment, tmp_path, MARSAD_CONSUMER_GROUP=group) as (worker,):
        wait_until(lambda: group_caught_up(deployment, group, (RAW, PREPARED)), "the replay to be processed")
        # Every article came back (twice: the new group reads the internal topic from the start too).
        assert worker.metric("marsad_articles_total", outcome="replay") >= len(ARTICLE_IDS)
        assert worker.metric("marsad_articles_total", outcome="indexed") == 0
    after_documents = es_documents(deployment)
    assert after_documents == before_documents  # same ids, same content, same _version: nothing rewritten
    assert es_alerts(deployment) == before_alerts
    assert len(topic_messages(deployment, ALERTS)) == before_published
