"""What the search page and the JSON API read, whichever backend holds the documents.

`SearchBackend` is implemented by the embedded store (``marsad.search.backend``) and by Elasticsearch
(``marsad.workers.elastic.reader``); both return these models, so the API, its OpenAPI description and the page
are the same on either. A hit is the shape ``marsad search --json`` prints (docs/interfaces.md §5).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

# The stories a page of results may hold, and how many of a story's matching documents a group carries.
MAX_PAGE_SIZE = 50
HITS_PER_STORY = 5
FACET_BUCKETS = 10
SNIPPET_CHARS = 200  # a snippet's length when nothing in the body matched
# What a match in `name_variants` (another transliteration of a rare name) adds to a document's title/body score, in
# both backends: a document with the spelling asked for has both, so it ranks before one with another spelling.
VARIANT_MATCH_SCORE = 1.0


class InvalidCursorError(ValueError):
    """An alert cursor that this backend did not hand out."""


class SearchFilters(BaseModel):
    """Every filter given must hold; several sources (or entities) match any of them."""

    model_config = ConfigDict(frozen=True)

    date_from: date | None = None  # published on or after this day (UTC)
    date_to: date | None = None  # published on or before this day (UTC)
    sources: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()  # canonical names


class SearchHit(BaseModel):
    id: str
    title: str
    score: float
    snippet: str = Field(description="HTML: escaped body text, matched words in <mark>…</mark>")
    story_id: str
    duplicate_of: str | None
    source: str | None
    url: str | None
    published_at: str | None


class StoryGroup(BaseModel):
    """One story among the results: its matching documents, the story's original first."""

    story_id: str
    score: float
    size: int = Field(description="documents in the story, matching or not")
    hits: list[SearchHit]


class FacetBucket(BaseModel):
    value: str
    count: int


class Facets(BaseModel):
    """Document counts over every match of the query and filters."""

    dates: list[FacetBucket] = Field(description="by day of publication (UTC), newest first")
    sources: list[FacetBucket]
    entities: list[FacetBucket]


class SearchPage(BaseModel):
    query: str
    page: int
    size: int
    total_hits: int
    total_stories: int
    stories: list[StoryGroup]
    facets: Facets


class StoryDocument(BaseModel):
    id: str
    title: str
    source: str | None
    url: str | None
    published_at: str | None
    ingested_at: str
    duplicate_of: str | None


class Story(BaseModel):
    story_id: str
    documents: list[StoryDocument] = Field(description="every document of the story, the original first")
    original_body: str = Field(description="the original's text (plain text: escape it to show it)")


class AlertRecord(BaseModel):
    """A fired alert (docs/interfaces.md §3)."""

    rule: str
    doc_id: str
    story_id: str
    matched: list[str]
    fired_at: str


class AlertPage(BaseModel):
    alerts: list[AlertRecord] = Field(description="oldest first")
    next: str | None = Field(description="cursor to pass as `since` for the alerts after these")


class SearchBackend(Protocol):
    name: str

    def search(self, query: str, filters: SearchFilters, page: int, size: int) -> SearchPage:
        """Stories whose documents match (a blank query matches every document, newest first)."""
        ...

    def story(self, story_id: str) -> Story | None: ...

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """The enriched document (docs/interfaces.md §2)."""
        ...

    def alerts(self, since: str | None, limit: int) -> AlertPage:
        """Alerts after the cursor ``since`` (from the first when None), oldest first."""
        ...

    def latest_alerts(self, limit: int) -> AlertPage:
        """The last ``limit`` alerts, oldest first, and the cursor after them."""
        ...

    def document_count(self) -> int: ...


def _moment(timestamp: str | None) -> datetime | None:
    """An ISO-8601 time, UTC when it names no zone (as Elasticsearch reads it); None if unreadable."""
    if not timestamp:
        return None
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_day(timestamp: str | None) -> str | None:
    """The UTC day of a time, as Elasticsearch's date histogram buckets it."""
    moment = _moment(timestamp)
    return moment.astimezone(UTC).date().isoformat() if moment else None


def story_order(published_at: str | None, ingested_at: str) -> tuple[bool, float, float]:
    """Sort key putting a story's original first: earliest publication, undated last, then append time."""
    published, ingested = _moment(published_at), _moment(ingested_at)
    return (published is None, published.timestamp() if published else 0.0, ingested.timestamp() if ingested else 0.0)


def newest_first(published_at: str | None, ingested_at: str) -> tuple[bool, float, float]:
    """Sort key for a blank query's results: latest publication first, undated last, then latest appended
    (break the remaining ties by id, descending, before sorting on this)."""
    published, ingested = _moment(published_at), _moment(ingested_at)
    return (published is None, -published.timestamp() if published else 0.0, -ingested.timestamp() if ingested else 0.0)
