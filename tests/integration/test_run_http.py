"""`marsad run`'s HTTP side on loopback: push endpoint, search API and page, alerts, sources, metrics."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from marsad.runner import Service, make_handler
from marsad.workers.settings import Settings

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
    http = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(service))
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{http.server_port}", service
    http.shutdown()
    service.close()


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode("utf-8")


def test_pushed_and_polled_articles_are_searchable_and_alerted(server: tuple[str, Service]) -> None:
    base, service = server
    service.poller.poll_once()
    pushed = "\n".join(
        json.dumps(record, ensure_ascii=False)
        for record in (
            {"id": "push-1", "title": "ميناء", "body": "رست سفينة شحن في ميناء بطرطوس صباح اليوم."},
            {"id": "push-2"},  # no body: rejected, not lost
        )
    ).encode()
    request = urllib.request.Request(f"{base}/api/articles", data=pushed, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 202 and json.loads(response.read()) == {"accepted": 2}

    status, body = get(f"{base}/api/search?q={quote('طرطوس')}")
    assert status == 200
    (hit,) = json.loads(body)
    assert hit["id"] == "push-1" and "<mark>بطرطوس</mark>" in hit["snippet"]

    _, page = get(f"{base}/?q={quote('حميميم')}")
    assert "<mark>" in page and "طقس" in page

    _, alerts = get(f"{base}/api/alerts")
    assert sorted(alert["rule"] for alert in json.loads(alerts)) == ["hmeimim", "tartus"]

    _, sources = get(f"{base}/api/sources")
    assert json.loads(sources)["inbox"]["items_delivered"] == 1

    _, metrics = get(f"{base}/metrics")
    assert 'marsad_articles_total{outcome="rejected"}' in metrics
    assert service.pipeline.store.rejects()[0]["reason"] == "missing body"


def test_unknown_routes_are_404(server: tuple[str, Service]) -> None:
    base, _ = server
    with pytest.raises(urllib.error.HTTPError) as error:
        get(f"{base}/nowhere")
    assert error.value.code == 404
