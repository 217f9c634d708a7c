"""Articles and a served `marsad run` for the HTTP tests (API on both backends, push, browser).

The articles are written for these tests: a story published by three outlets (the original first by
publication time, the reprints later with a line of their own), a second story, and one whose text carries
markup that must be shown, never run.
"""

from __future__ import annotations

import json
import signal
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from marsad.runner import Service
from marsad.workers.settings import Settings

PORT_BODY = (
    "أعلنت إدارة ميناء طرطوس صباح اليوم وصول سفينة محملة بالقمح إلى الرصيف الشمالي بعد رحلة استمرت أسبوعين. "
    "وقال مدير الميناء إن عمليات التفريغ ستبدأ فوراً وتستمر ثلاثة أيام قبل نقل الحمولة إلى صوامع حمص. "
    "وأضاف أن الميناء يستقبل عادة سفينتين كل أسبوع وأن أعمال الصيانة في الأرصفة الجنوبية انتهت الشهر الماضي."
)
STORY_ARTICLES = [
    {
        "id": "port-original",
        "source": "وكالة الساحل",
        "url": "https://example.org/sahel/port",
        "published_at": "2025-05-06T08:00:00+03:00",
        "title": "وصول سفينة قمح إلى ميناء طرطوس",
        "body": PORT_BODY,
    },
    {
        "id": "port-reprint-1",
        "source": "صحيفة الشرق",
        "url": "https://example.org/sharq/port",
        "published_at": "2025-05-06T12:00:00+03:00",
        "title": "سفينة قمح في ميناء طرطوس",
        "body": PORT_BODY + " تابعونا على قناتنا.",
    },
    {
        "id": "port-reprint-2",
        "source": "إذاعة المدينة",
        "url": "https://example.org/madina/port",
        "published_at": "2025-05-07T09:00:00+03:00",
        "title": "ميناء طرطوس يستقبل القمح",
        "body": PORT_BODY + " المصدر: وكالات.",
    },
]
OTHER_ARTICLES = [
    {
        "id": "storm",
        "source": "صحيفة الشرق",
        "url": "https://example.org/sharq/storm",
        "published_at": "2025-05-08T10:00:00+03:00",
        "title": "عاصفة مطرية على الساحل",
        "body": "ضربت عاصفة مطرية قوية مدن الساحل ليل أمس وتسببت بانقطاع الكهرباء عن أحياء في طرطوس واللاذقية.",
    },
    {
        "id": "markup",
        "source": "مدونة",
        "url": "javascript:alert(1)",
        "published_at": "2025-05-09T10:00:00+03:00",
        "title": "<b>عنوان</b> بوسوم",
        "body": "خبر عن دمشق فيه وسم <script>window.injected=1</script> و<img src=x onerror=alert(1)> يجب أن يظهر نصاً.",
    },
]
# Pushed while a page is open: it fires the `hmeimim` rule of the shipped rules.
LIVE_ARTICLE = {
    "id": "live-hmeimim",
    "source": "وكالة الساحل",
    "published_at": "2025-05-10T10:00:00+03:00",
    "title": "طائرات في حميميم",
    "body": "هبطت طائرات نقل عسكرية في قاعدة حميميم الجوية صباح اليوم وفق مصادر محلية متطابقة.",
}


def jsonl(*records: Mapping[str, object]) -> bytes:
    return "\n".join(json.dumps(record, ensure_ascii=False) for record in records).encode()


def empty_sources(directory: Path) -> Path:
    path = directory / "sources.yaml"
    path.write_text("sources: []\n", encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(service: Service, port: int) -> Iterator[str]:
    """``marsad run``'s application in uvicorn on loopback; yields its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(service.app(), host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=2)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.handle_exit(signal.SIGTERM, None)  # as the runner does: open alert streams end too
        thread.join(timeout=10)


def make_service(directory: Path, **overrides: object) -> Service:
    settings = Settings(store=directory / "store", sources=empty_sources(directory), **overrides)  # type: ignore[arg-type]
    return Service(settings)
