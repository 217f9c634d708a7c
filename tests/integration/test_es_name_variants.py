"""Transliterations of names no gazetteer lists, in Elasticsearch: a document's `name_variants` (its rare words and
recognised names) is folded by `marsad_variants` at index and search time, so marsad's search and a plain query on
the default fields (what Kibana's search bar sends) for «غوارديولا» find the article that writes «جوارديولا», and a
common word finds no false friend through it. Both backends rank alike."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from elastic_support import templates_installed
from elasticsearch import Elasticsearch, helpers

from marsad.search.fts import FullTextIndex
from marsad.topics.records import EnrichedDocument
from marsad.workers.build import build_expander
from marsad.workers.elastic import reader
from marsad.workers.elastic.reader import ElasticBackend
from marsad.workers.elastic.templates import news_alias
from marsad.workers.elastic.writer import search_source
from marsad.workers.search import SearchFilters
from marsad.workers.settings import Settings
from marsad.workers.stages.variants import SpellingExpander, document_variants

pytestmark = pytest.mark.integration

# Invented names, so that no gazetteer, now or later, lists them: only the field can bridge their spellings.
ARTICLES = {
    "gh": ("الدوري الإسباني", "قال المدرب فيلاغراندي إن فريقه قدم مباراة كبيرة."),
    "j": ("مؤتمر صحفي", "أكد المدرب فيلاجراندي أن الموسم لم ينته بعد وأن اللاعبين جاهزون."),
    "kh": ("الدوري السعودي", "أشاد المدرب خيرونيمو بأداء لاعبيه في الشوط الثاني."),
    "envoy": ("اليمن", "التقى المبعوث الأممي كلاوس فاندربيرغ وفدا حكوميا في عدن، ثم غادر زالتسمان."),
    "west": ("زراعة", "بدأ موسم قطاف الخروب في القرى الجبلية وسط ارتفاع في الأسعار."),
}


def _document(doc_id: str, title: str, body: str) -> EnrichedDocument:
    return EnrichedDocument(
        id=doc_id,
        source="test",
        url=None,
        title=title,
        published_at=None,
        ingested_at="2026-01-01T00:00:00Z",
        body=body,
        content_hash=doc_id,
        duplicate_of=None,
        story_id=doc_id,
    )


DOCUMENTS = [_document(doc_id, *article) for doc_id, article in ARTICLES.items()]


@pytest.fixture(scope="module")
def indexed(services: Any) -> Iterator[tuple[Elasticsearch, Settings]]:
    prefix = f"variants-{uuid.uuid4().hex[:8]}-"
    settings = Settings(elasticsearch_url=services.elasticsearch_url, index_prefix=prefix)
    client = Elasticsearch(services.elasticsearch_url, request_timeout=30)
    with client, templates_installed(client, prefix):
        helpers.bulk(
            client,
            ({"_index": news_alias(prefix), "_id": d.id, "_source": search_source(d)} for d in DOCUMENTS),
            refresh="wait_for",
        )
        yield client, settings


@pytest.fixture(scope="module")
def backend(indexed: tuple[Elasticsearch, Settings]) -> ElasticBackend:
    return ElasticBackend(indexed[1])


@pytest.fixture(scope="module")
def expander(indexed: tuple[Elasticsearch, Settings]) -> SpellingExpander:
    return build_expander(indexed[1])


def _ranked(indexed: tuple[Elasticsearch, Settings], expanded: str) -> list[tuple[str, float]]:
    """What `marsad search` asks Elasticsearch (``reader.search``), with the query expanded once."""
    client, settings = indexed
    response = client.search(index=news_alias(settings.index_prefix), query=reader.text_query(expanded), size=10)
    return [(hit["_id"], round(hit["_score"], 4)) for hit in response["hits"]["hits"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("فيلاغراندي", {"j", "gh"}),
        ("فيلاجراندي", {"j", "gh"}),
        ("جيرونيمو", {"kh"}),
        ("فاندربرج", {"envoy"}),
        ("كلاوس فاندربرج", {"envoy"}),
        ("سالتسمان", {"envoy"}),
    ],
)
def test_marsad_search_finds_another_transliteration(backend: ElasticBackend, query: str, expected: set[str]) -> None:
    page = backend.search(query, SearchFilters(), page=1, size=10)
    assert {hit.id for story in page.stories for hit in story.hits} == expected


def test_the_spelling_asked_for_ranks_first(indexed: tuple[Elasticsearch, Settings]) -> None:
    assert [hit["id"] for hit in reader.search(indexed[1], "فيلاغراندي", limit=10)] == ["gh", "j"]
    assert [doc_id for doc_id, _ in _ranked(indexed, "فيلاجراندي")] == ["j", "gh"]


@pytest.mark.parametrize(("query", "expected"), [("فيلاغراندي", {"j", "gh"}), ("جيرونيمو", {"kh"})])
def test_a_plain_query_on_the_default_fields_finds_another_transliteration(
    indexed: tuple[Elasticsearch, Settings], query: str, expected: set[str]
) -> None:
    client, settings = indexed
    response = client.search(index=news_alias(settings.index_prefix), query={"query_string": {"query": query}})
    assert {hit["_id"] for hit in response["hits"]["hits"]} == expected


@pytest.mark.parametrize("query", ["الغرب", "الجيش", "المدرب", "حث"])
def test_a_common_word_finds_no_false_friend(
    indexed: tuple[Elasticsearch, Settings], expander: SpellingExpander, query: str
) -> None:
    # «الغرب» (the West) folds onto the key of «الخروب» (carob); «المدرب» is in three of the articles
    client, settings = indexed
    plain = client.search(index=news_alias(settings.index_prefix), query={"match": {"name_variants": query}})
    assert plain["hits"]["hits"] == []
    assert "west" not in {doc_id for doc_id, _ in _ranked(indexed, expander.expand(query))}


def test_both_backends_rank_a_variant_query_alike(
    indexed: tuple[Elasticsearch, Settings], expander: SpellingExpander
) -> None:
    connection = sqlite3.connect(":memory:")
    index = FullTextIndex(connection)
    try:
        for key, document in enumerate(DOCUMENTS, start=1):
            index.add(key, document.title, document.body, document_variants(document))
        for query in ("فيلاغراندي", "كلاوس فاندربرج", "خيرونيمو", "المدرب"):
            expanded = expander.expand(query)
            embedded = [
                (DOCUMENTS[hit.doc_key - 1].id, round(hit.score, 4)) for hit in index.search(expanded, limit=10)
            ]
            assert embedded == _ranked(indexed, expanded), query
    finally:
        connection.close()
