"""RSS / Atom documents to raw-article payloads (docs/interfaces.md §1), with feedparser."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser
from inscriptis import get_text

from marsad.topics.records import RawInput, SourcePosition

log = logging.getLogger(__name__)

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_BLANK_LINE_RUNS = re.compile(r"\n{3,}")


class FeedParseError(Exception):
    """A document feedparser could not read as a feed (and could not recover entries from)."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed item as a raw article. ``key`` is what the cursor remembers: guid, else link, else a hash."""

    key: str
    title: str
    body: str
    url: str | None
    published_at: str | None
    source: str | None

    def payload(self) -> dict[str, str]:
        """The raw-article JSON object; absent fields are left out rather than sent as null."""
        fields = {
            "title": self.title,
            "body": self.body,
            "url": self.url,
            "published_at": self.published_at,
            "source": self.source,
        }
        return {name: value for name, value in fields.items() if value is not None}

    def to_raw_input(self, origin: str) -> RawInput:
        payload = json.dumps(self.payload(), ensure_ascii=False).encode("utf-8")
        return RawInput(payload=payload, position=SourcePosition(source=origin))


def parse_feed(content: bytes, *, origin: str, content_type: str | None = None) -> list[FeedEntry]:
    """Entries of an RSS/Atom document, oldest first (feeds list the newest first), so that an original
    is handed over before its republications.

    ``content_type`` is the HTTP header: its charset (e.g. windows-1256) wins over the XML prolog, as
    feedparser implements it; without one (files, servers that send none) the prolog decides.
    Malformed XML that feedparser recovers from is logged and accepted; a document with no
    recoverable entries that is not a well-formed feed raises FeedParseError.
    """
    # application/xml, unlike text/xml, lets the XML prolog's encoding declaration apply (RFC 7303).
    headers = {"content-location": origin, "content-type": content_type or "application/xml"}
    # A BytesIO, never bytes or str: feedparser would treat a string as a URL or a file name to open.
    parsed = feedparser.parse(io.BytesIO(content), response_headers=headers)
    problem = parsed.get("bozo_exception")
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        raise FeedParseError(f"not a readable RSS/Atom feed: {problem or 'no feed elements found'}")
    if parsed.bozo:
        log.warning("%s: malformed feed, %d entries recovered: %s", origin, len(parsed.entries), problem)
    feed_title = _text_of(parsed.feed, "title") or None
    return [_entry(raw, feed_title) for raw in reversed(parsed.entries)]


def html_to_text(html: str) -> str:
    """Readable text of an HTML fragment, one line per block, paragraphs separated by a blank line.

    inscriptis renders the block structure (paragraphs, <br>, lists) that the pipeline's line-based
    boilerplate removal relies on; a plain tag strip would run paragraphs together.
    """
    lines = (line.strip() for line in get_text(html).splitlines())
    return _BLANK_LINE_RUNS.sub("\n\n", "\n".join(lines)).strip()


def _entry(raw: Any, source: str | None) -> FeedEntry:
    title = _text_of(raw, "title")
    body = _body_of(raw)
    url = raw.get("link") or None
    key = raw.get("id") or url or hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()
    return FeedEntry(key=key, title=title, body=body, url=url, published_at=_published_of(raw), source=source)


def _text_of(node: Any, field: str) -> str:
    value = node.get(field) or ""
    detail = node.get(f"{field}_detail") or {}
    return html_to_text(value) if detail.get("type") in _HTML_TYPES else value.strip()


def _body_of(raw: Any) -> str:
    candidates = [
        html_to_text(part.get("value", "")) if part.get("type") in _HTML_TYPES else part.get("value", "").strip()
        for part in raw.get("content") or []
    ]
    candidates.append(_text_of(raw, "summary"))
    return max(candidates, key=len)


def _published_of(raw: Any) -> str | None:
    parsed: time.struct_time | None = raw.get("published_parsed") or raw.get("updated_parsed")
    if parsed is None:
        return None
    return datetime(*parsed[:6], tzinfo=UTC).isoformat()
