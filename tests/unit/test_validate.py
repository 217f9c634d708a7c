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
        ('{"body": "نص", "published_at": "yesterday"}'.encode(), "published_at is not ISO-8601"),
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
