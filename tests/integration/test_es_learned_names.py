"""The learned gazetteer in Elasticsearch: what the decide agent writes with a batch is what the workers and the
search expander read back, and a name learned after a document was indexed is added to it there."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from distributed_support import Deployment, es_documents, jsonl, wait_until, workers
from elasticsearch import Elasticsearch, helpers

from marsad.producer import produce
from marsad.workers.elastic.names import ElasticNames, learned_names_index
from marsad.workers.stages.discovery import Candidate
from marsad.workers.stages.entities import GazetteerEntry

pytestmark = pytest.mark.integration


def test_candidates_are_stored_and_the_learned_ones_read_back(services: Any) -> None:
    client = Elasticsearch(services.elasticsearch_url, request_timeout=30)
    names = ElasticNames(client, f"names-{uuid.uuid4().hex[:8]}-")
    try:
        assert names.learned() == []  # no index yet
        assert names.candidates() == {}  # creates it
        seen = {
            "a": Candidate("a", "نادي الشعلة", "ORG", ("نادي الشعلة",), ("sana", "enab"), learned=True),
            "b": Candidate("b", "سامر حداد", "PER", ("سامر حداد",), ("sana",)),
        }
        helpers.bulk(client, names.actions(seen.values()), refresh="wait_for")
        assert names.candidates() == seen
        assert names.learned() == [GazetteerEntry(canonical="نادي الشعلة", type="ORG")]
    finally:
        client.indices.delete(index=names.index, ignore_unavailable=True)
        client.close()


COACH = "زوران ميلكوفيتش"


def test_a_name_learned_later_is_added_to_a_document_indexed_before(
    make_deployment: Callable[[str], Deployment], tmp_path: Path
) -> None:
    deployment = make_deployment("learn")
    settings = deployment.settings()
    bare = tmp_path / "bare.jsonl"
    body = f"اجتمع رئيس النادي ب{COACH} أمس في الفندق."  # behind a proclitic: «بزوران»
    bare.write_bytes(jsonl({"id": "bare", "source": "alhurra", "title": "لقاء", "body": body}))
    titled = tmp_path / "titled.jsonl"
    titled.write_bytes(
        jsonl(
            {"id": "t1", "source": "sana", "title": "تدريب", "body": f"قال المدرب {COACH} إن الفريق جاهز للمباراة."},
            {"id": "t2", "source": "enab", "title": "مؤتمر", "body": f"أكد المدرب {COACH} أن اللاعبين بخير."},
        )
    )

    def coach_in(doc_id: str) -> bool:
        document = es_documents(deployment).get(doc_id, {})
        return COACH in document.get("entity_canonicals", ())

    with workers(deployment, tmp_path):
        assert produce(settings, [str(bare)], follow=False) == 0
        wait_until(lambda: "bare" in es_documents(deployment), "the bare mention indexed")
        assert not coach_in("bare")  # no rule finds him there: nothing is learned yet
        assert produce(settings, [str(titled)], follow=False) == 0
        wait_until(lambda: coach_in("bare"), "the learned name added to the document indexed before")
    document = es_documents(deployment)["bare"]
    assert [(e["text"], e["type"]) for e in document["entities"]] == [(COACH, "PER")]
    with deployment.es() as client:
        stored = client.search(index=learned_names_index(settings.index_prefix), query={"term": {"learned": True}})
    assert [hit["_source"]["learned"] for hit in stored["hits"]["hits"]] == [True]
