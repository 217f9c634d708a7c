"""Validation: a raw input becomes an ``Article`` with a stable id, or a ``DeadLetter`` with a reason."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from marsad.topics.records import Article, DeadLetter, RawInput

STAGE = "validate"
# ``language`` is type-checked and then not kept: every analyzer and matcher is Arabic, so nothing reads it.
_OPTIONAL_STRINGS = ("title", "url", "source", "published_at", "language")


class Rejected(ValueError):
    """Raised inside this stage; turned into a dead letter by ``validate``."""


def stable_id(url: str | None, title: str, body: str) -> str:
    """Derived id: from the URL when there is one (a re-fetched article keeps its id), else the content."""
    basis = ("url:" + url.strip()) if url else ("content:" + title + "\n" + body)
    return hashlib.blake2b(basis.encode("utf-8"), digest_size=10).hexdigest()


def _decode(raw: RawInput) -> str:
    try:
        return raw.payload.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Rejected(f"invalid UTF-8 at byte {error.start}") from None


def _from_text(text: str, hint_id: str | None) -> dict[str, Any]:
    lines = text.strip().splitlines()
    if not lines:
        raise Rejected("missing body: empty text")
    title, body = lines[0].strip(), "\n".join(lines[1:]).strip()
    fields: dict[str, Any] = {"title": title, "body": body}
    if hint_id:
        fields["id"] = hint_id
    return fields


def _from_json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise Rejected(f"invalid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    if not isinstance(value, dict):
        raise Rejected(f"not a JSON object: got {type(value).__name__}")
    return value


def _article(fields: dict[str, Any]) -> Article:
    body = fields.get("body")
    if body is None:
        raise Rejected("missing body")
    if not isinstance(body, str):
        raise Rejected(f"wrong type: body must be a string, got {type(body).__name__}")
    if not body.strip():
        raise Rejected("missing body: body is empty")
    for name in _OPTIONAL_STRINGS:
        value = fields.get(name)
        if value is not None and not isinstance(value, str):
            raise Rejected(f"wrong type: {name} must be a string, got {type(value).__name__}")
    raw_id = fields.get("id")
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, str | int) or str(raw_id) == ""):
        raise Rejected(f"wrong type: id must be a non-empty string or integer, got {raw_id!r}")
    published_at = fields.get("published_at")
    if published_at:
        try:
            datetime.fromisoformat(published_at.replace("Z", "+00:00"))
        except ValueError:
            raise Rejected(f"published_at is not ISO-8601: {published_at!r}") from None
    title = fields.get("title") or ""
    url = fields.get("url") or None
    return Article(
        id=str(raw_id) if raw_id is not None else stable_id(url, title, body),
        body=body,
        title=title,
        url=url,
        source=fields.get("source"),
        published_at=published_at or None,
    )


def validate(raw: RawInput, max_payload_bytes: int, rejected_at: str = "") -> Article | DeadLetter:
    try:
        if len(raw.payload) > max_payload_bytes:
            raise Rejected(f"oversized: {len(raw.payload)} bytes > limit {max_payload_bytes}")
        text = _decode(raw)
        fields = _from_text(text, raw.hint_id) if raw.content_type == "text" else _from_json(text)
        return _article(fields)
    except Rejected as error:
        return DeadLetter(STAGE, str(error), raw.payload, raw.position, rejected_at)
