"""The JSON API and the page of `marsad run` over the embedded store, in process (no sockets)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sse_starlette.sse import AppStatus

from marsad.runner import Service
from tests.http_support import LIVE_ARTICLE, OTHER_ARTICLES, STORY_ARTICLES, jsonl, make_service

pytestmark = pytest.mark.unit


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    service = make_service(tmp_path)
    result = service.push(jsonl(*STORY_ARTICLES, *OTHER_ARTICLES), "test")
    assert (result.accepted, result.rejected) == (5, 0)
    yield service
    service.close()


@pytest.fixture
def client(service: Service) -> TestClient:
    return TestClient(service.app())


def test_search_groups_a_story_with_its_original_first(client: TestClient) -> None:
    page = client.get("/api/search", params={"q": "طرطوس"}).json()

    assert page["total_hits"] == 4 and page["total_stories"] == 2
    port = next(story for story in page["stories"] if len(story["hits"]) > 1)
    assert port["size"] == 3
    assert [hit["id"] for hit in port["hits"]] == ["port-original", "port-reprint-1", "port-reprint-2"]
    assert port["hits"][0]["duplicate_of"] is None
    assert {hit["duplicate_of"] for hit in port["hits"][1:]} == {"port-original"}
    assert "<mark>طرطوس</mark>" in port["hits"][0]["snippet"]


def test_facets_count_documents_and_filters_narrow_them(client: TestClient) -> None:
    facets = client.get("/api/search", params={"q": "طرطوس"}).json()["facets"]
    assert {bucket["value"]: bucket["count"] for bucket in facets["sources"]} == {
        "صحيفة الشرق": 2,
        "وكالة الساحل": 1,
        "إذاعة المدينة": 1,
    }
    # Days in UTC, newest first: 08:00 at +03:00 is 05:00 UTC on the 6th.
    assert [bucket["value"] for bucket in facets["dates"]] == ["2025-05-08", "2025-05-07", "2025-05-06"]
    assert "طرطوس" in {bucket["value"] for bucket in facets["entities"]}

    by_source = client.get("/api/search", params={"q": "طرطوس", "source": "صحيفة الشرق"}).json()
    assert sorted(hit["id"] for story in by_source["stories"] for hit in story["hits"]) == ["port-reprint-1", "storm"]

    by_day = client.get("/api/search", params={"q": "طرطوس", "from": "2025-05-07", "to": "2025-05-07"}).json()
    assert [hit["id"] for story in by_day["stories"] for hit in story["hits"]] == ["port-reprint-2"]

    by_entity = client.get("/api/search", params={"entity": "دمشق"}).json()
    assert [hit["id"] for story in by_entity["stories"] for hit in story["hits"]] == ["markup"]


def test_paging_walks_the_stories(client: TestClient) -> None:
    first = client.get("/api/search", params={"size": 2}).json()
    second = client.get("/api/search", params={"size": 2, "page": 2}).json()
    third = client.get("/api/search", params={"size": 2, "page": 3}).json()

    ids = [story["story_id"] for page in (first, second, third) for story in page["stories"]]
    assert first["total_stories"] == 3 and len(ids) == len(set(ids)) == 3
    assert third["stories"] == []
    assert client.get("/api/search", params={"size": 51}).status_code == 422


def test_story_and_document(client: TestClient) -> None:
    story_id = client.get("/api/documents/port-reprint-2").json()["story_id"]

    story = client.get(f"/api/stories/{story_id}").json()

    assert [document["id"] for document in story["documents"]] == ["port-original", "port-reprint-1", "port-reprint-2"]
    assert story["original_body"].startswith("أعلنت إدارة ميناء طرطوس")
    assert client.get("/api/stories/nothing").status_code == 404
    assert client.get("/api/documents/nothing").status_code == 404


def test_alerts_follow_a_cursor(service: Service, client: TestClient) -> None:
    first = client.get("/api/alerts").json()
    assert sorted((alert["rule"], alert["doc_id"]) for alert in first["alerts"]) == [
        ("tartus", "port-original"),
        ("tartus", "storm"),
    ]
    assert client.get("/api/alerts", params={"since": first["next"]}).json() == {"alerts": [], "next": first["next"]}

    service.push(jsonl(LIVE_ARTICLE), "test")

    after = client.get("/api/alerts", params={"since": first["next"]}).json()
    assert [(alert["rule"], alert["doc_id"]) for alert in after["alerts"]] == [("hmeimim", "live-hmeimim")]
    for not_a_cursor in ("not-a-cursor", "²", "٣"):
        assert client.get("/api/alerts", params={"since": not_a_cursor}).status_code == 400


def next_event(lines: Iterator[str]) -> dict[str, str]:
    """The next server-sent event's fields; comment lines (the server's keep-alive pings) are skipped."""
    fields: dict[str, str] = {}
    for line in lines:
        if line:
            if not line.startswith(":"):
                name, _, value = line.partition(": ")
                fields[name] = value
        elif fields:
            return fields
    raise AssertionError(f"the stream ended before a complete event (read so far: {fields})")


def test_alert_stream_sends_the_latest_alerts(client: TestClient) -> None:
    # sse-starlette ends every stream once it has seen a uvicorn server of this process shut down (a class
    # flag); other tests run and stop servers in this process, `marsad run` runs one.
    AppStatus.should_exit = False
    with client.stream("GET", "/api/alerts/stream") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()
        first, second = next_event(lines), next_event(lines)
    assert first["event"] == second["event"] == "alert"
    assert [json.loads(event["data"])["doc_id"] for event in (first, second)] == ["port-original", "storm"]
    assert "id" not in first and second["id"]  # one cursor per batch, after its last alert


def test_rules_and_health(client: TestClient) -> None:
    rules = client.get("/api/rules").json()
    assert {"tartus", "hmeimim"} <= {rule["id"] for rule in rules["rules"]} and rules["error"] is None
    assert client.get("/api/health").json() == {"status": "ok", "backend": "embedded", "documents": 5}


def test_page_shows_stories_escapes_article_text_and_links(client: TestClient) -> None:
    page = client.get(f"/?q={quote('طرطوس')}").text
    assert 'dir="rtl"' in page and "<mark>طرطوس</mark>" in page
    assert "+2 مصادر" in page

    markup = client.get(f"/?q={quote('دمشق')}").text
    assert "<script>window.injected" not in markup and "&lt;script&gt;window.injected=1&lt;/script&gt;" in markup
    assert "<b>عنوان</b>" not in markup and "&lt;b&gt;عنوان&lt;/b&gt;" in markup
    assert "<img src=x" not in markup

    story_id = client.get("/api/documents/markup").json()["story_id"]
    story = client.get(f"/story/{story_id}").text
    assert "&lt;script&gt;window.injected=1&lt;/script&gt;" in story and "<script>window" not in story
    assert "javascript:alert" not in story  # a non-web URL is not made a link


def test_push_counts_accepted_and_rejected_records(service: Service, client: TestClient) -> None:
    nested = b"[" * 100_000 + b"]" * 100_000
    body = jsonl({"id": "good-1", "body": "خبر أول عن الساحل"}, {"id": "no-body"}, {"id": "good-2", "body": "خبر ثان"})
    response = client.post("/api/articles", content=body + b"\n" + nested)

    assert response.status_code == 202
    assert response.json() == {"read": 4, "accepted": 2, "rejected": 2}
    assert client.get("/api/documents/good-2").status_code == 200
    assert len(service.pipeline.store.rejects()) == 2


def test_push_body_limit(tmp_path: Path) -> None:
    service = make_service(tmp_path, max_push_bytes=1_000)
    try:
        client = TestClient(service.app())
        assert client.post("/api/articles", content=b"x" * 1_001).status_code == 413

        def chunks() -> Iterator[bytes]:  # no Content-Length: chunked
            yield from (b"y" * 300 for _ in range(5))

        assert client.post("/api/articles", content=chunks()).status_code == 413
        assert service.pipeline.store.rejects() == []
    finally:
        service.close()


def test_push_needs_the_token_when_one_is_set(tmp_path: Path) -> None:
    service = make_service(tmp_path, api_token="s3cret-token")
    try:
        client = TestClient(service.app())
        article = jsonl({"id": "a", "body": "خبر"})
        assert client.post("/api/articles", content=article).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert client.post("/api/articles", content=article, headers=wrong).status_code == 401
        right = {"Authorization": "Bearer s3cret-token"}
        assert client.post("/api/articles", content=article, headers=right).json()["accepted"] == 1
        assert client.get("/api/search").status_code == 200  # reads stay open
    finally:
        service.close()
