"""The embedded store behind the search page and the JSON API (`SearchBackend`).

A search ranks up to MAX_CANDIDATES documents with the store's BM25 (a blank query takes the last MAX_CANDIDATES
appended, newest publication first), then
filters, counts facets and groups by story in Python, and highlights only the page it returns. Every read
holds the lock the runner shares with the pipeline's writer.
"""

from __future__ import annotations

import html
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from marsad.store import Store
from marsad.topics.records import EnrichedDocument
from marsad.workers.search import (
    FACET_BUCKETS,
    HITS_PER_STORY,
    SNIPPET_CHARS,
    AlertPage,
    AlertRecord,
    FacetBucket,
    Facets,
    InvalidCursorError,
    SearchFilters,
    SearchHit,
    SearchPage,
    Story,
    StoryDocument,
    StoryGroup,
    newest_first,
    story_order,
    utc_day,
)

MAX_CANDIDATES = 1_000


def _matches(document: EnrichedDocument, filters: SearchFilters) -> bool:
    if filters.sources and document.source not in filters.sources:
        return False
    if filters.entities and not {entity.canonical for entity in document.entities} & set(filters.entities):
        return False
    if filters.date_from or filters.date_to:
        day = utc_day(document.published_at)
        if day is None:
            return False
        if filters.date_from and day < filters.date_from.isoformat():
            return False
        if filters.date_to and day > filters.date_to.isoformat():
            return False
    return True


def _buckets(counts: Counter[str], by_value: bool = False) -> list[FacetBucket]:
    if by_value:
        ordered = sorted(counts.items(), reverse=True)
    else:
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [FacetBucket(value=value, count=count) for value, count in ordered[:FACET_BUCKETS]]


def _facets(documents: list[EnrichedDocument]) -> Facets:
    days: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    entities: Counter[str] = Counter()
    for document in documents:
        if day := utc_day(document.published_at):
            days[day] += 1
        if document.source:
            sources[document.source] += 1
        entities.update({entity.canonical for entity in document.entities})
    return Facets(dates=_buckets(days, by_value=True), sources=_buckets(sources), entities=_buckets(entities))


def _alert(payload: dict[str, Any]) -> AlertRecord:
    return AlertRecord.model_validate(payload)


def _cursor(since: str | None) -> int:
    if since is None:
        return 0
    if not (since.isascii() and since.isdigit()):  # str.isdigit also takes «²» and «٣», which int() refuses
        raise InvalidCursorError(f"not a cursor of this store: {since!r}")
    return int(since)


class EmbeddedBackend:
    name = "embedded"

    def __init__(self, store: Store, lock: threading.Lock, expand: Callable[[str], str] = str) -> None:
        """``expand``: the query with other spellings of its names (``SpellingExpander.expand``)."""
        self._store = store
        self._lock = lock
        self._expand = expand

    def search(self, query: str, filters: SearchFilters, page: int, size: int) -> SearchPage:
        expanded = self._expand(query) if query.strip() else query
        with self._lock:
            if query.strip():
                ranked = self._store.ranked(expanded, MAX_CANDIDATES)
                documents = self._store.documents_by_seq([seq for seq, _ in ranked])
            else:
                documents = self._store.documents_by_seq(self._store.latest(MAX_CANDIDATES))
                latest = sorted(documents.values(), key=lambda document: document.id, reverse=True)
                latest.sort(key=lambda document: newest_first(document.published_at, document.ingested_at))
                seqs = {document.id: seq for seq, document in documents.items()}
                ranked = [(seqs[document.id], 0.0) for document in latest]
            matches = [
                (seq, score, documents[seq])
                for seq, score in ranked
                if seq in documents and _matches(documents[seq], filters)
            ]
            # Stories in the order of their best document; `ranked` is best (or newest) first.
            stories: dict[str, list[tuple[int, float, EnrichedDocument]]] = {}
            for match in matches:
                stories.setdefault(match[2].story_id, []).append(match)
            shown = list(stories.items())[(page - 1) * size : page * size]
            sizes = self._store.story_sizes([story_id for story_id, _ in shown])
            groups = [
                StoryGroup(
                    story_id=story_id,
                    score=round(members[0][1], 4),
                    size=sizes.get(story_id, len(members)),
                    hits=[
                        self._hit(seq, score, document, expanded)
                        for seq, score, document in sorted(
                            members, key=lambda match: story_order(match[2].published_at, match[2].ingested_at)
                        )[:HITS_PER_STORY]
                    ],
                )
                for story_id, members in shown
            ]
        return SearchPage(
            query=query,
            page=page,
            size=size,
            total_hits=len(matches),
            total_stories=len(stories),
            stories=groups,
            facets=_facets([document for _, _, document in matches]),
        )

    def _hit(self, seq: int, score: float, document: EnrichedDocument, query: str) -> SearchHit:
        return SearchHit(
            id=document.id,
            title=document.title,
            score=round(score, 4),
            snippet=self._store.snippet(seq, query) if query.strip() else _plain_snippet(document.body),
            story_id=document.story_id,
            duplicate_of=document.duplicate_of,
            source=document.source,
            url=document.url,
            published_at=document.published_at,
        )

    def story(self, story_id: str) -> Story | None:
        with self._lock:
            documents = self._store.story(story_id)
        if not documents:
            return None
        documents.sort(key=lambda document: story_order(document.published_at, document.ingested_at))
        return Story(
            story_id=story_id,
            documents=[
                StoryDocument(
                    id=document.id,
                    title=document.title,
                    source=document.source,
                    url=document.url,
                    published_at=document.published_at,
                    ingested_at=document.ingested_at,
                    duplicate_of=document.duplicate_of,
                )
                for document in documents
            ],
            original_body=documents[0].body,
        )

    def document(self, doc_id: str) -> dict[str, Any] | None:
        with self._lock:
            document = self._store.document(doc_id)
        return document.to_dict() if document else None

    def alerts(self, since: str | None, limit: int) -> AlertPage:
        after = _cursor(since)
        with self._lock:
            rows = self._store.alerts_after(after, limit)
        return AlertPage(alerts=[_alert(alert) for _, alert in rows], next=str(rows[-1][0] if rows else after))

    def latest_alerts(self, limit: int) -> AlertPage:
        with self._lock:
            rows = self._store.last_alerts(limit)
        return AlertPage(alerts=[_alert(alert) for _, alert in rows], next=str(rows[-1][0] if rows else 0))

    def document_count(self) -> int:
        with self._lock:
            return self._store.document_count()


def _plain_snippet(body: str) -> str:
    """The start of the body for a hit without a query: escaped, nothing marked (as Elasticsearch's
    ``no_match_size``)."""
    return html.escape(" ".join(body[:SNIPPET_CHARS].split()))
