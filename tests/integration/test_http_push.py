"""The push endpoint of `marsad run` in a real uvicorn on loopback: many clients at once, oversized chunked
uploads, poison records amid good ones, the bearer token."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from marsad.runner import Service
from tests.http_support import free_port, jsonl, make_service, served

pytestmark = pytest.mark.integration

CLIENTS = 200
LIMIT = 1_000_000


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Service]]:
    service = make_service(tmp_path, max_push_bytes=LIMIT)
    with served(service, free_port()) as base:
        yield base, service
    service.close()


def test_200_concurrent_posts_are_all_answered_and_stored(server: tuple[str, Service]) -> None:
    base, service = server

    async def post_all() -> list[int]:
        limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

            async def post(number: int) -> int:
                article = {"id": f"c-{number}", "body": f"خبر رقم {number} عن حركة السفن في ميناء اللاذقية اليوم."}
                return (await client.post("/api/articles", content=jsonl(article))).status_code

            return await asyncio.gather(*(post(number) for number in range(CLIENTS)))

    statuses = asyncio.run(asyncio.wait_for(post_all(), timeout=50))

    assert statuses == [202] * CLIENTS
    assert service.backend.document_count() == CLIENTS


def test_chunked_upload_over_the_limit_is_refused_with_413(server: tuple[str, Service]) -> None:
    base, service = server
    port = int(base.rsplit(":", 1)[1])
    chunk = b"x" * 65_536
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            b"POST /api/articles HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/x-ndjson\r\n\r\n"
        )
        # Twice the limit, and the body left unfinished: the answer must come without waiting for its end.
        for _ in range(2 * LIMIT // len(chunk)):
            connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        response = connection.recv(4096)
    assert response.startswith(b"HTTP/1.1 413"), response[:200]
    assert service.backend.document_count() == 0 and service.pipeline.store.rejects() == []


def test_a_poison_record_never_loses_the_good_ones(server: tuple[str, Service]) -> None:
    base, service = server
    body = b"\n".join(
        [
            jsonl({"id": "good-1", "body": "وصلت باخرة إلى مرفأ بانياس."}),
            b"[" * 50_000 + b"]" * 50_000,  # nested past the parser's recursion limit
            '{"id": "\\ud800", "body": "معرف فيه نصف زوج بديل"}'.encode(),
            b"\xff\xfe not utf-8",
            jsonl({"id": "good-2", "body": "أمطار على الساحل."}),
        ]
    )
    response = httpx.post(f"{base}/api/articles", content=body, timeout=30)

    assert response.status_code == 202
    assert response.json() == {"read": 5, "accepted": 2, "rejected": 3}
    assert {httpx.get(f"{base}/api/documents/{doc}").status_code for doc in ("good-1", "good-2")} == {200}
    assert len(service.pipeline.store.rejects()) == 3


def test_writes_need_the_token_when_one_is_set(tmp_path: Path) -> None:
    service = make_service(tmp_path, api_token="push-token")
    try:
        with served(service, free_port()) as base:
            article = jsonl({"id": "t-1", "body": "خبر"})
            assert httpx.post(f"{base}/api/articles", content=article).status_code == 401
            bad = httpx.post(f"{base}/api/articles", content=article, headers={"Authorization": "Bearer x"})
            assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
            good = httpx.post(f"{base}/api/articles", content=article, headers={"Authorization": "Bearer push-token"})
            assert good.status_code == 202 and good.json()["accepted"] == 1
            assert httpx.get(f"{base}/api/search").status_code == 200
    finally:
        service.close()
