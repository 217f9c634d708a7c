"""Reading Elasticsearch: ``marsad search/alerts/export`` in distributed mode print what the embedded store
prints, and `ElasticBackend` serves the search page and the JSON API (``marsad serve``).

Documents are ``EnrichedDocument.to_dict()``, alerts ``Alert.to_dict()``, search hits
``{id, title, score, snippet, story_id, duplicate_of, source, url, published_at}`` with the snippet as HTML
(escaped body text, matched words in ``<mark>…</mark>``).
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterator
from typing import Any

from elasticsearch import Elasticsearch, helpers

from marsad.workers.build import build_expander
from marsad.workers.elastic.names import ElasticNames
from marsad.workers.elastic.templates import alerts_index, news_alias
from marsad.workers.elastic.writer import DERIVED_FIELDS, elastic_client
from marsad.workers.search import (
    FACET_BUCKETS,
    HITS_PER_STORY,
    SNIPPET_CHARS,
    VARIANT_MATCH_SCORE,
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
)
from marsad.workers.settings import Settings
from marsad.workers.stages.variants import SpellingExpander

_HIT_FIELDS = ("story_id", "duplicate_of", "source", "url", "published_at")


_HIGHLIGHT = {
    "encoder": "html",
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    "fields": {"body": {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 1, "no_match_size": SNIPPET_CHARS}},
}


def _hit(hit: dict[str, Any]) -> SearchHit:
    source = hit["_source"]
    fragments = hit.get("highlight", {}).get("body")
    return SearchHit(
        id=hit["_id"],
        title=source["title"],
        score=round(hit["_score"] or 0.0, 4),
        snippet=fragments[0] if fragments else html.escape(source["body"][:SNIPPET_CHARS]),
        **{name: source.get(name) for name in _HIT_FIELDS},
    )


def text_query(expanded: str) -> dict[str, Any]:
    """The query for an (expanded) search text: title and body as the embedded store ranks them, and a constant
    VARIANT_MATCH_SCORE for a document whose `name_variants` has another transliteration of a word asked for."""
    return {
        "bool": {
            "should": [
                {"multi_match": {"query": expanded, "fields": ["title^2", "body"]}},
                {"constant_score": {"filter": {"match": {"name_variants": expanded}}, "boost": VARIANT_MATCH_SCORE}},
            ]
        }
    }


def _expander(settings: Settings, client: Elasticsearch) -> SpellingExpander:
    """The query expander over the gazetteer and the names learned so far."""
    return build_expander(settings, ElasticNames(client, settings.index_prefix).learned())


def search(settings: Settings, query: str, limit: int) -> list[dict[str, Any]]:
    """Ranked hits for ``query`` over title and body, analysed by the index's Arabic analyzer."""
    client = elastic_client(settings)
    response = client.search(
        index=news_alias(settings.index_prefix),
        query=text_query(_expander(settings, client).expand(query)),
        highlight=_HIGHLIGHT,
        source_excludes=["entities", *DERIVED_FIELDS],
        size=limit,
        ignore_unavailable=True,
    )
    return [_hit(hit).model_dump() for hit in response["hits"]["hits"]]


def alerts(settings: Settings) -> list[dict[str, Any]]:
    """Every fired alert, oldest first."""
    client = elastic_client(settings)
    index = alerts_index(settings.index_prefix)
    if not client.indices.exists(index=index):
        return []
    hits = helpers.scan(
        client,
        index=index,
        query={"sort": [{"fired_at": "asc"}, {"_seq_no": "asc"}]},
        preserve_order=True,
    )
    return [
        {name: hit["_source"][name] for name in ("rule", "doc_id", "story_id", "matched", "fired_at")} for hit in hits
    ]


def export(settings: Settings) -> Iterator[dict[str, Any]]:
    """Every enriched document, in ingest order (ingest time, then write order within the index)."""
    client = elastic_client(settings)
    yield from (
        hit["_source"]
        for hit in helpers.scan(
            client,
            index=news_alias(settings.index_prefix),
            query={"sort": [{"ingested_at": "asc"}, {"_seq_no": "asc"}]},
            source_excludes=list(DERIVED_FIELDS),
            preserve_order=True,
            ignore_unavailable=True,
        )
    )


def _filters(filters: SearchFilters) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    if filters.sources:
        clauses.append({"terms": {"source": list(filters.sources)}})
    if filters.entities:
        clauses.append({"terms": {"entity_canonicals": list(filters.entities)}})
    if filters.date_from or filters.date_to:
        # Whole UTC days: `||/d` rounds gte down to the day's start and lte up to its end.
        bounds = {}
        if filters.date_from:
            bounds["gte"] = f"{filters.date_from.isoformat()}||/d"
        if filters.date_to:
            bounds["lte"] = f"{filters.date_to.isoformat()}||/d"
        clauses.append({"range": {"published_at": bounds | {"format": "strict_date"}}})
    return clauses


def _buckets(aggregation: dict[str, Any]) -> list[FacetBucket]:
    return [
        FacetBucket(value=bucket.get("key_as_string", bucket["key"]), count=bucket["doc_count"])
        for bucket in aggregation["buckets"][:FACET_BUCKETS]
    ]


def _encode_cursor(sort_values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(sort_values).encode()).decode("ascii")


def _decode_cursor(cursor: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (ValueError, UnicodeError) as error:
        raise InvalidCursorError(f"not a cursor of this index: {cursor!r}") from error
    if not (
        isinstance(values, list)
        and len(values) == len(_ALERT_SORT)
        and isinstance(values[0], int)
        and all(isinstance(value, str) for value in values[1:])
    ):
        raise InvalidCursorError(f"not a cursor of this index: {cursor!r}")
    return values


# Alerts in firing order; rule and story make the order total (an alert's id is rule:story_id).
_ALERT_SORT = ("fired_at", "rule", "story_id")
# A blank query's order, as the embedded store's (`newest_first`).
_NEWEST_FIRST: list[str | dict[str, Any]] = [
    {"published_at": {"order": "desc", "missing": "_last"}},
    {"ingested_at": "desc"},
    {"id": "desc"},
]
_STORY_SORT: list[str | dict[str, Any]] = [
    {"published_at": {"order": "asc", "missing": "_last"}},
    {"ingested_at": "asc"},
]


class ElasticBackend:
    """`SearchBackend` over the news alias and the alerts index: stories by field collapsing on ``story_id``."""

    name = "elasticsearch"

    def __init__(self, settings: Settings) -> None:
        self._client = elastic_client(settings)
        self._documents = news_alias(settings.index_prefix)
        self._alerts = alerts_index(settings.index_prefix)
        self._expander = _expander(settings, self._client)

    def search(self, query: str, filters: SearchFilters, page: int, size: int) -> SearchPage:
        expanded = self._expander.expand(query)
        text = text_query(expanded) if query.strip() else None
        response = self._client.search(
            index=self._documents,
            query={"bool": {"must": [text or {"match_all": {}}], "filter": _filters(filters)}},
            sort=["_score", {"ingested_at": "asc"}] if text else _NEWEST_FIRST,
            collapse={
                "field": "story_id",
                "inner_hits": {
                    "name": "story",
                    "size": HITS_PER_STORY,
                    "sort": _STORY_SORT,
                    "track_scores": True,
                    "highlight": _HIGHLIGHT,
                    "_source": {"excludes": ["entities", *DERIVED_FIELDS]},
                },
            },
            aggregations={
                "stories": {"cardinality": {"field": "story_id", "precision_threshold": 40_000}},
                "dates": {
                    "date_histogram": {
                        "field": "published_at",
                        "calendar_interval": "day",
                        "format": "yyyy-MM-dd",
                        "min_doc_count": 1,
                        "order": {"_key": "desc"},
                    }
                },
                "sources": {"terms": {"field": "source", "size": FACET_BUCKETS}},
                "entities": {"terms": {"field": "entity_canonicals", "size": FACET_BUCKETS}},
            },
            from_=(page - 1) * size,
            size=size,
            source=False,
            track_total_hits=True,
            ignore_unavailable=True,
        )
        groups = response["hits"]["hits"]
        story_ids = [group["fields"]["story_id"][0] for group in groups]
        sizes = self._story_sizes(story_ids)
        aggregations = response.get("aggregations", {})
        return SearchPage(
            query=query,
            page=page,
            size=size,
            total_hits=response["hits"]["total"]["value"],
            total_stories=aggregations.get("stories", {}).get("value", 0),
            stories=[
                StoryGroup(
                    story_id=story_id,
                    score=round(group["_score"] or 0.0, 4),
                    size=sizes.get(story_id, 1),
                    hits=[_hit(hit) for hit in group["inner_hits"]["story"]["hits"]["hits"]],
                )
                for story_id, group in zip(story_ids, groups, strict=True)
            ],
            facets=Facets(
                dates=_buckets(aggregations["dates"]) if aggregations else [],
                sources=_buckets(aggregations["sources"]) if aggregations else [],
                entities=_buckets(aggregations["entities"]) if aggregations else [],
            ),
        )

    def _story_sizes(self, story_ids: list[str]) -> dict[str, int]:
        if not story_ids:
            return {}
        response = self._client.search(
            index=self._documents,
            query={"terms": {"story_id": story_ids}},
            aggregations={"sizes": {"terms": {"field": "story_id", "size": len(story_ids)}}},
            size=0,
            ignore_unavailable=True,
        )
        return {bucket["key"]: bucket["doc_count"] for bucket in response["aggregations"]["sizes"]["buckets"]}

    def story(self, story_id: str) -> Story | None:
        response = self._client.search(
            index=self._documents,
            query={"term": {"story_id": story_id}},
            sort=_STORY_SORT,
            size=10_000,
            source_excludes=["entities", *DERIVED_FIELDS],
            ignore_unavailable=True,
        )
        documents = [hit["_source"] for hit in response["hits"]["hits"]]
        if not documents:
            return None
        return Story(
            story_id=story_id,
            documents=[StoryDocument.model_validate(document) for document in documents],
            original_body=documents[0]["body"],
        )

    def document(self, doc_id: str) -> dict[str, Any] | None:
        response = self._client.search(
            index=self._documents,
            query={"ids": {"values": [doc_id]}},
            source_excludes=list(DERIVED_FIELDS),
            size=1,
            ignore_unavailable=True,
        )
        hits = response["hits"]["hits"]
        return dict(hits[0]["_source"]) if hits else None

    def alerts(self, since: str | None, limit: int) -> AlertPage:
        after = _decode_cursor(since) if since is not None else None
        hits = self._alert_hits("asc", limit, after)
        return AlertPage(
            alerts=[AlertRecord.model_validate(hit["_source"]) for hit in hits],
            next=_encode_cursor(hits[-1]["sort"]) if hits else since,
        )

    def latest_alerts(self, limit: int) -> AlertPage:
        hits = self._alert_hits("desc", limit, None)[::-1]
        return AlertPage(
            alerts=[AlertRecord.model_validate(hit["_source"]) for hit in hits],
            next=_encode_cursor(hits[-1]["sort"]) if hits else None,
        )

    def _alert_hits(self, order: str, limit: int, after: list[Any] | None) -> list[dict[str, Any]]:
        if not self._client.indices.exists(index=self._alerts):
            return []
        response = self._client.search(
            index=self._alerts,
            sort=[{field: order} for field in _ALERT_SORT],
            size=limit,
            search_after=after,
            source_includes=["rule", "doc_id", "story_id", "matched", "fired_at"],
        )
        return list(response["hits"]["hits"])

    def document_count(self) -> int:
        return int(self._client.count(index=self._documents, ignore_unavailable=True)["count"])
