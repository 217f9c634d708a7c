"""The embedded search ranks like Elasticsearch: same documents, same order, same scores.

The same articles go into `FullTextIndex` (SQLite) and into an index made from
config/elasticsearch/news-template.json on the node scripts/services starts; `marsad search` in
distributed mode (`marsad.workers.elastic.reader.search`) and the embedded index must then agree.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import pytest
from elastic_support import templates_installed
from elasticsearch import Elasticsearch

from marsad.search.fts import FullTextIndex
from marsad.workers.build import build_expander
from marsad.workers.elastic import reader
from marsad.workers.elastic.templates import news_alias
from marsad.workers.settings import Settings

pytestmark = pytest.mark.integration

FILLER = "وتابع المتحدث حديثه عن الأوضاع الاقتصادية في البلاد وأشار إلى أن الحكومة تدرس خطة جديدة للنقل العام."
ARTICLES = [
    ("ميناء طرطوس", "وصلت السفن إلى طرطوس وبطرطوس رست صباح اليوم."),
    ("خبر", "طرطوس مدينة ساحلية في سوريا."),
    ("أخبار العاصمة", "دمشق العاصمة تستضيف مؤتمرا عن الاقتصاد السوري."),
    # long bodies: Lucene rounds their lengths (norms) to four significant bits
    ("تقرير اقتصادي", f"{FILLER} {FILLER} ويأمل أهالي طرطوس بفرص عمل. {FILLER} {FILLER}"),
    ("سوريا والاقتصاد", f"{FILLER} وتعمل طرطوس على توسيع أرصفتها، ولطرطوس ميناء ثان. {FILLER}"),
    ("الرئيس السوري في اللاذقية", "زار الرئيس السوري اللاذقية وطرطوس، ثم عاد إلى دمشق."),
    ("", "مقال بلا عنوان عن طرطوس ودمشق وحلب."),
]
QUERIES = ["طرطوس", "ميناء طرطوس", "سوريا", "دمشق الاقتصاد", "الرئيس السوري", "طرطوس طرطوس"]


@pytest.fixture(scope="module")
def indexed(services: Any) -> Iterator[tuple[Settings, FullTextIndex]]:
    client = Elasticsearch(services.elasticsearch_url)
    prefix = f"marsad-ranking-{uuid.uuid4().hex[:8]}-"
    with client, templates_installed(client, prefix), closing(sqlite3.connect(":memory:")) as connection:
        index = FullTextIndex(connection)
        for key, (title, body) in enumerate(ARTICLES, start=1):
            document = {"id": str(key), "story_id": str(key), "title": title, "body": body}
            client.index(index=news_alias(prefix), id=str(key), document=document)
            index.add(key, title, body)
        client.indices.refresh(index=news_alias(prefix))
        yield Settings(elasticsearch_url=services.elasticsearch_url, index_prefix=prefix), index


def _elasticsearch_scores(settings: Settings, query: str) -> list[tuple[str, float]]:
    """Full-precision scores of the query `marsad search` sends (reader.search rounds them)."""
    client = Elasticsearch(str(settings.elasticsearch_url))
    try:
        response = client.search(
            index=news_alias(settings.index_prefix),
            query={"multi_match": {"query": query, "fields": ["title^2", "body"]}},
            size=len(ARTICLES),
        )
    finally:
        client.close()
    return [(hit["_id"], hit["_score"]) for hit in response["hits"]["hits"]]


@pytest.mark.parametrize("query", QUERIES)
def test_embedded_scores_equal_elasticsearchs(indexed: tuple[Settings, FullTextIndex], query: str) -> None:
    settings, index = indexed
    expected = _elasticsearch_scores(settings, query)
    hits = index.search(query, limit=len(ARTICLES))
    assert expected, query
    assert [str(hit.doc_key) for hit in hits] == [doc_id for doc_id, _ in expected]
    # Elasticsearch computes in 32-bit floats, the embedded index in 64-bit ones.
    assert [hit.score for hit in hits] == pytest.approx([score for _, score in expected], rel=1e-5)


@pytest.mark.parametrize("query", QUERIES[:3])
def test_marsad_search_prints_the_same_ranking_in_both_modes(
    indexed: tuple[Settings, FullTextIndex], query: str
) -> None:
    settings, index = indexed
    distributed = reader.search(settings, query, limit=5)
    # as `marsad search` over the store: the query widened with the other spellings of its names
    embedded = index.search(build_expander(settings).expand(query), limit=5)
    assert [hit["id"] for hit in distributed] == [str(hit.doc_key) for hit in embedded]
    assert [hit["score"] for hit in distributed] == [round(hit.score, 4) for hit in embedded]
