"""The same JSON API and page over Elasticsearch (`marsad serve`) as over the embedded store: the documents
the embedded pipeline produced are indexed into a real node under a unique prefix, and both backends must
answer alike (scores and snippet cuts aside)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import closing
from typing import Any
from urllib.parse import quote

import pytest
from elastic_support import templates_installed
from elasticsearch import Elasticsearch, helpers
from fastapi.testclient import TestClient

from marsad.http.app import create_app
from marsad.http.events import AlertHub
from marsad.runner import Service
from marsad.topics.records import Alert
from marsad.workers.elastic.reader import ElasticBackend
from marsad.workers.elastic.templates import alerts_index, news_alias
from marsad.workers.elastic.writer import search_source
from marsad.workers.settings import Settings
from tests.http_support import LIVE_ARTICLE, OTHER_ARTICLES, STORY_ARTICLES, jsonl, make_service

pytestmark = pytest.mark.integration


def _index_alerts(client: Elasticsearch, prefix: str, alerts: list[Alert]) -> None:
    helpers.bulk(
        client,
        (
            {"_index": alerts_index(prefix), "_id": f"{alert.rule}:{alert.story_id}", "_source": alert.to_dict()}
            for alert in alerts
        ),
        refresh="wait_for",
    )


def _index_documents(client: Elasticsearch, prefix: str, service: Service) -> None:
    helpers.bulk(
        client,
        (
            {"_index": news_alias(prefix), "_id": document.id, "_source": search_source(document)}
            for document in service.pipeline.store.documents()
        ),
        refresh="wait_for",
    )


@pytest.fixture(scope="module")
def clients(services: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, ...]]:
    """Both backends over the same documents, set up once for the module (a test that adds documents or
    alerts adds them to both)."""
    prefix = f"http-{uuid.uuid4().hex[:8]}-"
    embedded = make_service(tmp_path_factory.mktemp("store"))
    embedded.push(jsonl(*STORY_ARTICLES, *OTHER_ARTICLES), "test")
    settings = Settings(elasticsearch_url=services.elasticsearch_url, index_prefix=prefix)
    elastic = Elasticsearch(services.elasticsearch_url, request_timeout=30)
    with elastic, templates_installed(elastic, prefix), closing(embedded):
        _index_documents(elastic, prefix, embedded)
        _index_alerts(elastic, prefix, embedded.pipeline.store.alerts())
        yield (
            TestClient(embedded.app()),
            TestClient(create_app(ElasticBackend(settings), settings, hub=AlertHub())),
            elastic,
            prefix,
            embedded,
        )


def _comparable(page: dict[str, Any]) -> dict[str, Any]:
    """A search page without what the backends may differ in: scores and where a snippet is cut."""
    return {
        **page,
        "stories": [
            {
                "story_id": story["story_id"],
                "size": story["size"],
                "hits": [{k: v for k, v in hit.items() if k not in ("score", "snippet")} for hit in story["hits"]],
            }
            for story in page["stories"]
        ],
    }


@pytest.mark.parametrize(
    "params",
    [
        {"q": "طرطوس"},
        {"q": "طرطوس", "source": "صحيفة الشرق"},
        {"q": "طرطوس", "from": "2025-05-07", "to": "2025-05-07"},
        {"entity": "دمشق"},
        {"size": 2},
        {"size": 2, "page": 2},
        {"q": "لا-شيء-هنا"},
    ],
)
def test_search_answers_alike_on_both_backends(clients: tuple[Any, ...], params: dict[str, Any]) -> None:
    embedded, elastic, *_ = clients
    on_store = embedded.get("/api/search", params=params).json()
    on_elastic = elastic.get("/api/search", params=params).json()

    assert _comparable(on_elastic) == _comparable(on_store)
    for story in on_elastic["stories"]:
        if params.get("q") == "طرطوس":
            assert "<mark>طرطوس</mark>" in story["hits"][0]["snippet"]


def test_story_document_rules_and_health(clients: tuple[Any, ...]) -> None:
    embedded, elastic, *_ = clients
    story_id = elastic.get("/api/documents/port-reprint-1").json()["story_id"]

    assert elastic.get(f"/api/stories/{story_id}").json() == embedded.get(f"/api/stories/{story_id}").json()
    assert elastic.get("/api/documents/markup").json() == embedded.get("/api/documents/markup").json()
    assert elastic.get("/api/stories/nothing").status_code == 404
    assert elastic.get("/api/documents/nothing").status_code == 404
    assert elastic.get("/api/rules").json() == embedded.get("/api/rules").json()
    assert elastic.get("/api/health").json() == {**embedded.get("/api/health").json(), "backend": "elasticsearch"}


def test_alerts_follow_a_cursor(clients: tuple[Any, ...]) -> None:
    embedded, elastic, client, prefix, service = clients
    first = elastic.get("/api/alerts").json()
    assert first["alerts"] == embedded.get("/api/alerts").json()["alerts"]
    assert elastic.get("/api/alerts", params={"since": first["next"]}).json()["alerts"] == []

    service.push(jsonl(LIVE_ARTICLE), "test")
    _index_documents(client, prefix, service)
    _index_alerts(client, prefix, [alert for alert in service.pipeline.store.alerts() if alert.rule == "hmeimim"])

    after = elastic.get("/api/alerts", params={"since": first["next"]}).json()
    assert [(alert["rule"], alert["doc_id"]) for alert in after["alerts"]] == [("hmeimim", "live-hmeimim")]
    assert elastic.get("/api/alerts", params={"since": "bm90LWEtY3Vyc29y"}).status_code == 400
    assert elastic.get("/api/alerts", params={"since": "%%%"}).status_code == 400


def test_page_over_elasticsearch_groups_and_escapes(clients: tuple[Any, ...]) -> None:
    _, elastic, *_ = clients
    page = elastic.get(f"/?q={quote('طرطوس')}").text
    assert "<mark>طرطوس</mark>" in page and "+2 مصادر" in page and "Elasticsearch" in page

    markup = elastic.get(f"/?q={quote('دمشق')}").text
    assert "<script>window.injected" not in markup and "&lt;script&gt;window.injected=1" in markup
