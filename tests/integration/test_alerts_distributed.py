"""Alert channels in the real worker: a webhook-only rule posts a signed alert and stays off the alerts topic,
a default rule reaches the topic, both are in ``news-alerts``, and a rule added to the file while the worker
runs fires without a restart."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from distributed_support import Deployment, es_alerts, jsonl, topic_messages, wait_until, workers

from marsad.producer import produce
from marsad.topics.definitions import ALERTS

pytestmark = pytest.mark.integration

SECRET = "desk-secret"
TARTUS = {
    "id": "wh-tartus",
    "title": "سفن في الميناء",
    "url": "https://example.test/wh-tartus",
    "source": "test",
    "body": "رست ثلاث سفن تجارية في ميناء طرطوس صباح اليوم بعد رحلة طويلة.",
}
HMEIMIM = {
    "id": "wh-hmeimim",
    "title": "رحلة شحن",
    "source": "test",
    "body": "هبطت طائرة شحن في قاعدة حميميم الجوية قادمة من الشمال مساء أمس.",
}
LATAKIA = {
    "id": "wh-latakia",
    "title": "مهرجان",
    "source": "test",
    "body": "افتتح في مدينة اللاذقية مهرجان للفنون الشعبية بمشاركة فرق من عدة محافظات.",
}


@pytest.fixture
def received() -> Iterator[tuple[list[tuple[dict[str, str], bytes]], str]]:
    posts: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            posts.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield posts, f"http://127.0.0.1:{server.server_port}/desk"
    finally:
        server.shutdown()
        server.server_close()


def write_rules(path: Path, text: str, stamp: int) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))


def test_webhook_only_rule_topic_rule_and_reload_in_the_worker(
    make_deployment: Callable[[str], Deployment],
    tmp_path: Path,
    received: tuple[list[tuple[dict[str, str], bytes]], str],
) -> None:
    posts, url = received
    deployment = make_deployment("hook")
    rules = tmp_path / "alerts.yaml"
    base = f"rules:\n  - id: tartus\n    keywords: [طرطوس]\n    channels: [{{webhook: '{url}'}}]\n"
    base += "  - id: hmeimim\n    keywords: [حميميم]\n"
    write_rules(rules, base, 10**18)
    articles = tmp_path / "articles.jsonl"
    articles.write_bytes(jsonl(TARTUS, HMEIMIM))
    env = {"MARSAD_RULES": str(rules), "MARSAD_WEBHOOK_SECRET": SECRET, "MARSAD_PUBLIC_URL": "http://marsad.test"}
    settings = deployment.settings()
    assert produce(settings, [str(articles)], follow=False) == 0
    with workers(deployment, tmp_path, **env) as (worker,):
        wait_until(lambda: len(es_alerts(deployment)) == 2, "both alerts in news-alerts")
        wait_until(lambda: len(posts) == 1, "the webhook post")
        headers, body = posts[0]
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["X-Marsad-Signature"], expected)
        event = json.loads(body)
        assert (event["rule"], event["doc_id"], event["title"], event["url"]) == (
            "tartus",
            TARTUS["id"],
            TARTUS["title"],
            TARTUS["url"],
        )
        assert event["story_url"] == f"http://marsad.test/story/{TARTUS['id']}" and "طرطوس" in event["matched"]
        wait_until(lambda: len(topic_messages(deployment, ALERTS)) >= 1, "the hmeimim alert on the topic")
        assert [json.loads(value)["rule"] for _, value in topic_messages(deployment, ALERTS)] == ["hmeimim"]

        write_rules(rules, base + "  - id: latakia\n    keywords: [اللاذقية]\n", 2 * 10**18)
        articles.write_bytes(jsonl(LATAKIA))
        assert produce(settings, [str(articles)], follow=False) == 0
        wait_until(lambda: any(a["rule"] == "latakia" for a in es_alerts(deployment)), "the reloaded rule to fire")
        assert worker.metric("marsad_rules_reloads_total", outcome="loaded") == 1
        assert worker.metric("marsad_rules_loaded") == 3
