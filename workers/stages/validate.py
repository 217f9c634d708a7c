"""Validation: a raw input becomes an ``Article`` with a stable id, or a ``DeadLetter`` with a reason.

What Elasticsearch would refuse is refused here, per record, with a reason: ids over 512 UTF-8 bytes (its
``_id`` limit; dead-lettered rather than replaced by a derived id, so that an article never silently gets
another identity than its producer gave it), keyword fields over 32,766 bytes, strings that are not valid
Unicode (a lone surrogate escape such as ``\\ud800``), and dates its ``date`` mapping would refuse or misread.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from marsad.topics.records import Article, DeadLetter, RawInput

STAGE = "validate"
# ``language`` is type-checked and then not kept: every analyzer and matcher is Arabic, so nothing reads it.
_OPTIONAL_STRINGS = ("title", "url", "source", "published_at", "language")
MAX_ID_BYTES = 512  # Elasticsearch's limit on ``_id``
MAX_KEYWORD_BYTES = 32_766  # Lucene's limit on one indexed term
_KEYWORD_FIELDS = ("url", "source")
# Elasticsearch's ``strict_date_optional_time``: yyyy[-MM[-dd[THH[:mm[:ss[.fraction]]]][zone]]]].
_ES_DATE = re.compile(
    r"\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}(?::\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?"
)


class Rejected(ValueError):
    """Raised inside this stage; turned into a dead letter by ``validate``."""


def stable_id(url: str | None, title: str, body: str) -> str:
    """Derived id: from the URL when there is one (a re-fetched article keeps its id), else the content."""
    basis = ("url:" + url.strip()) if url else ("content:" + title + "\n" + body)
    return hashlib.blake2b(basis.encode("utf-8"), digest_size=10).hexdigest()


def normalize_published_at(value: str) -> str:
    """``value`` as Elasticsearch's ``strict_date_optional_time||epoch_millis`` reads it, unchanged when it
    already is; else normalized when unambiguous (``20250506``, a space instead of ``T``, RFC 2822 as feeds
    write it, 13-digit epoch milliseconds). Raises ``Rejected`` otherwise."""
    text = value.strip()
    if _ES_DATE.fullmatch(text):
        padded = text + "-01-01"[len(text) - 4 :] if len(text) < 10 else text
        try:
            datetime.fromisoformat(padded.replace(",", ".").replace("Z", "+00:00"))
        except ValueError:
            raise Rejected(f"published_at is out of range: {value!r}") from None
        return text
    if text.isdigit():
        # Elasticsearch reads any digits as epoch milliseconds: a compact date would be stored as 1970.
        if len(text) == 8:
            try:
                return datetime.strptime(text, "%Y%m%d").date().isoformat()
            except ValueError:
                raise Rejected(f"published_at is not a date: {value!r}") from None
        if len(text) == 13:
            return _iso(datetime.fromtimestamp(int(text) / 1000, UTC))
        raise Rejected(f"published_at is ambiguous (digits only, not yyyyMMdd or epoch milliseconds): {value!r}")
    try:
        return _iso(datetime.fromisoformat(text))
    except ValueError:
        pass
    try:
        return _iso(parsedate_to_datetime(text))
    except (ValueError, TypeError, IndexError):
        raise Rejected(f"published_at is not a date Elasticsearch accepts (ISO-8601): {value!r}") from None


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


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
    except RecursionError:
        raise Rejected("invalid JSON: nested too deeply") from None
    except ValueError as error:  # e.g. an integer over Python's 4,300-digit conversion limit
        raise Rejected(f"invalid JSON: {error}") from None
    if not isinstance(value, dict):
        raise Rejected(f"not a JSON object: got {type(value).__name__}")
    return value


def _utf8_length(name: str, value: str) -> int:
    try:
        return len(value.encode("utf-8"))
    except UnicodeEncodeError as error:
        raise Rejected(f"{name} is not valid Unicode: lone surrogate at character {error.start}") from None


def _article(fields: dict[str, Any]) -> Article:
    body = fields.get("body")
    if body is None:
        raise Rejected("missing body")
    if not isinstance(body, str):
        raise Rejected(f"wrong type: body must be a string, got {type(body).__name__}")
    if not body.strip():
        raise Rejected("missing body: body is empty")
    _utf8_length("body", body)
    for name in _OPTIONAL_STRINGS:
        value = fields.get(name)
        if value is not None and not isinstance(value, str):
            raise Rejected(f"wrong type: {name} must be a string, got {type(value).__name__}")
        if value is not None:
            length = _utf8_length(name, value)
            if name in _KEYWORD_FIELDS and length > MAX_KEYWORD_BYTES:
                raise Rejected(f"{name} too long: {length} UTF-8 bytes > {MAX_KEYWORD_BYTES}")
    raw_id = fields.get("id")
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, str | int) or str(raw_id) == ""):
        raise Rejected(f"wrong type: id must be a non-empty string or integer, got {raw_id!r}")
    if raw_id is not None and (id_length := _utf8_length("id", str(raw_id))) > MAX_ID_BYTES:
        raise Rejected(f"id too long: {id_length} UTF-8 bytes > {MAX_ID_BYTES}")
    published_at = normalize_published_at(fields["published_at"]) if fields.get("published_at") else None
    title = fields.get("title") or ""
    url = fields.get("url") or None
    return Article(
        id=str(raw_id) if raw_id is not None else stable_id(url, title, body),
        body=body,
        title=title,
        url=url,
        source=fields.get("source"),
        published_at=published_at,
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
    except Exception as error:  # one record's surprise must not cost the batch
        return DeadLetter(STAGE, f"unexpected {type(error).__name__}: {error}", raw.payload, raw.position, rejected_at)
