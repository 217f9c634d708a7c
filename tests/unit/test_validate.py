"""Validation: every unusable record gets a clear reason; usable ones get a stable id."""

from __future__ import annotations

import json

import pytest

from marsad.topics.records import Article, DeadLetter, RawInput, SourcePosition
from marsad.workers.stages.validate import validate

pytestmark = pytest.mark.unit

LIMIT = 1_000_000


def check(payload: bytes, content_type: str = "json", hint_id: str | None = None) -> Article | DeadLetter:
    raw = RawInput(payload, SourcePosition("test.jsonl", line=7), hint_id=hint_id, content_type=content_type)  # type: ignore[arg-type]
    return validate(raw, LIMIT)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b'{"title": "x", "body": ', "invalid JSON"),
        (b'["a list"]', "not a JSON object: got list"),
        (b'{"title": "no body"}', "missing body"),
        (b'{"body": "   "}', "missing body: body is empty"),
        (b'{"body": 42}', "wrong type: body must be a string, got int"),
        ('{"body": "نص", "title": ["x"]}'.encode(), "wrong type: title must be a string, got list"),
        ('{"body": "نص", "id": true}'.encode(), "wrong type: id must be"),
        ('{"body": "نص", "published_at": "yesterday"}'.encode(), "published_at is not a date Elasticsearch accepts"),
        ('{"body": "نص", "published_at": "2025-02-30"}'.encode(), "published_at is out of range"),
        ('{"body": "نص", "published_at": "202505"}'.encode(), "published_at is ambiguous"),
        (b'{"body": "x", "n": ' + b"[" * 10_000 + b"]" * 10_000 + b"}", "invalid JSON: nested too deeply"),
        (b'{"body": "x", "id": ' + b"7" * 5_000 + b"}", "invalid JSON: Exceeds the limit"),
        (b'{"body": "x \\ud800 y"}', "body is not valid Unicode: lone surrogate"),
        (b'{"body": "x", "title": "\\udfff"}', "title is not valid Unicode"),
        (b'{"body": "x", "id": "' + b"i" * 513 + b'"}', "id too long: 513 UTF-8 bytes > 512"),
        (b'{"body": "x", "url": "' + b"u" * 32_767 + b'"}', "url too long: 32767 UTF-8 bytes > 32766"),
        (b'{"body": "\xd9\x86\xff"}', "invalid UTF-8 at byte"),
        (b'{"body": "' + b"x" * LIMIT + b'"}', "oversized"),
    ],
)
def test_bad_records_are_rejected_with_a_reason_and_their_position(payload: bytes, reason: str) -> None:
    result = check(payload)
    assert isinstance(result, DeadLetter)
    assert reason in result.reason
    assert result.payload == payload
    assert result.position.line == 7


def test_ids_are_stable_from_url_else_content() -> None:
    by_url = check(json.dumps({"body": "نص أول", "url": "https://example.org/a"}).encode())
    same_url = check(json.dumps({"body": "نص معدل", "url": "https://example.org/a"}).encode())
    by_content = check(json.dumps({"body": "نص أول"}).encode())
    assert isinstance(by_url, Article) and isinstance(same_url, Article) and isinstance(by_content, Article)
    assert by_url.id == same_url.id != by_content.id
    assert check(json.dumps({"body": "نص أول"}).encode()) == by_content


def test_text_files_give_title_body_and_the_stem_as_id() -> None:
    result = check("\n عنوان الخبر \nالسطر الأول.\nالسطر الثاني.".encode(), "text", hint_id="story-1")
    assert result == Article(id="story-1", title="عنوان الخبر", body="السطر الأول.\nالسطر الثاني.")


def test_explicit_integer_id_becomes_a_string() -> None:
    result = check(b'{"id": 17, "body": "\xd9\x86\xd8\xb5"}')
    assert isinstance(result, Article) and result.id == "17"


def test_an_id_of_512_utf8_bytes_is_kept() -> None:
    doc_id = "خ" * 256  # two bytes each
    result = check(json.dumps({"id": doc_id, "body": "نص"}).encode())
    assert isinstance(result, Article) and result.id == doc_id


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2025-05-06T10:00:00Z", "2025-05-06T10:00:00Z"),  # already what Elasticsearch reads: unchanged
        ("2025-05-06T10:00:00.123456789+03:00", "2025-05-06T10:00:00.123456789+03:00"),
        ("2025-05", "2025-05"),
        ("20250506", "2025-05-06"),  # Elasticsearch would read these digits as epoch milliseconds (1970)
        ("2025-05-06 10:15", "2025-05-06T10:15:00"),
        ("Tue, 06 May 2025 10:00:00 +0300", "2025-05-06T10:00:00+03:00"),  # RFC 2822, as feeds write it
        ("1746518400000", "2025-05-06T08:00:00Z"),
    ],
)
def test_published_at_is_normalized_when_unambiguous(given: str, stored: str) -> None:
    result = check(json.dumps({"body": "نص", "published_at": given}).encode())
    assert isinstance(result, Article) and result.published_at == stored
