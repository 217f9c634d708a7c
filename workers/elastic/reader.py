"""``marsad search/alerts/export`` in distributed mode: read Elasticsearch, print what the embedded store prints.

Documents are ``EnrichedDocument.to_dict()``, alerts ``Alert.to_dict()``, search hits
``{id, title, score, snippet, story_id, duplicate_of, source, url, published_at}`` with the snippet as HTML
(escaped body text, matched words in ``<mark>…</mark>``).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

from elasticsearch import helpers

from marsad.workers.elastic.templates import alerts_index, news_alias
from marsad.workers.elastic.writer import DERIVED_FIELDS, elastic_client
from marsad.workers.settings import Settings

SNIPPET_CHARS = 200
_HIT_FIELDS = ("story_id", "duplicate_of", "source", "url", "published_at")


def search(settings: Settings, query: str, limit: int) -> list[dict[str, Any]]:
    """Ranked hits for ``query`` over title and body, analysed by the index's Arabic analyzer."""
    client = elastic_client(settings)
    response = client.search(
        index=news_alias(settings.index_prefix),
        query={"multi_match": {"query": query, "fields": ["title^2", "body"]}},
        highlight={
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "fields": {
                "body": {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 1, "no_match_size": SNIPPET_CHARS}
            },
        },
        source_excludes=["entities", *DERIVED_FIELDS],
        size=limit,
        ignore_unavailable=True,
    )
    hits = []
    for hit in response["hits"]["hits"]:
        source = hit["_source"]
        fragments = hit.get("highlight", {}).get("body")
        snippet = fragments[0] if fragments else html.escape(source["body"][:SNIPPET_CHARS])
        hits.append(
            {
                "id": hit["_id"],
                "title": source["title"],
                "score": round(hit["_score"], 4),
                "snippet": snippet,
                **{name: source.get(name) for name in _HIT_FIELDS},
            }
        )
    return hits


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
