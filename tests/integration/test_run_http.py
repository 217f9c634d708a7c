"""`marsad run`'s HTTP side in a real uvicorn on loopback: polled and pushed articles, search, alerts, metrics."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from marsad.runner import Service
from marsad.workers.settings import Settings
from tests.http_support import free_port, jsonl, served

pytestmark = pytest.mark.integration


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Service]]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "first.jsonl").write_text(
        json.dumps({"id": "dir-1", "title": "طقس", "body": "أمطار غزيرة على الساحل وحُمَيْمِيم اليوم."}) + "\n",
        encoding="utf-8",
    )
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"sources:\n  - name: inbox\n    type: directory\n    path: {inbox}\n    interval_s: 60\n", encoding="utf-8"
    )
    service = Service(Settings(store=tmp_path / "store", sources=sources))
    with served(service, free_port()) as base:
        yield base, service
    service.close()


def test_pushed_and_polled_articles_are_searchable_and_alerted(server: tuple[str, Service]) -> None:
    base, service = server
    service.poller.poll_once()
    pushed = jsonl(
        {"id": "push-1", "title": "ميناء", "body": "رست سفينة شحن في ميناء بطرطوس صباح اليوم."},
        {"id": "push-2"},  # no body: rejected, not lost
    )
    with httpx.Client(base_url=base, timeout=10) as client:
        response = client.post("/api/articles", content=pushed)
        assert response.status_code == 202 and response.json() == {"read": 2, "accepted": 1, "rejected": 1}

        (story,) = client.get("/api/search", params={"q": "طرطوس"}).json()["stories"]
        assert story["hits"][0]["id"] == "push-1" and "<mark>بطرطوس</mark>" in story["hits"][0]["snippet"]

        page = client.get(f"/?q={quote('حميميم')}").text
        assert "<mark>" in page and "طقس" in page

        alerts = client.get("/api/alerts").json()["alerts"]
        assert sorted(alert["rule"] for alert in alerts) == ["hmeimim", "tartus"]

        assert client.get("/api/sources").json()["inbox"]["items_delivered"] == 1
        assert 'marsad_articles_total{outcome="rejected"}' in client.get("/metrics").text
        assert client.get("/openapi.json").json()["info"]["title"] == "marsad"
        assert client.get("/nowhere").status_code == 404
    assert service.pipeline.store.rejects()[0]["reason"] == "missing body"
