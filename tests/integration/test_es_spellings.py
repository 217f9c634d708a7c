"""Spelling variants of a name in Elasticsearch: marsad's search expands the query with the other spellings, and
the index's default query fields hold every spelling of each document's entities, so that a plain query (what
Kibana's search bar sends) for «بوتن» finds the article that writes «بوتين»."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elastic_support import templates_installed
from elasticsearch import Elasticsearch, helpers

from marsad.embedded import EmbeddedPipeline
from marsad.topics.records import RawInput, SourcePosition
from marsad.workers.build import build_expander
from marsad.workers.elastic.reader import ElasticBackend
from marsad.workers.elastic.templates import (
    news_alias,
)
from marsad.workers.elastic.writer import search_source
from marsad.workers.search import SearchFilters
from marsad.workers.settings import Settings

pytestmark = pytest.mark.integration

ARTICLES = [
    {"id": "short", "title": "قمة", "body": "قال الرئيس فلاديمير بوتن إن القمة ستعقد في الخريف المقبل."},
    {"id": "long", "title": "اتصال", "body": "أجرى فلاديمير بوتين اتصالا هاتفيا بنظيره التركي أمس."},
    {"id": "other", "title": "طقس", "body": "تشهد البلاد موجة حر شديدة خلال الأسبوع الجاري."},
]


@pytest.fixture(scope="module")
def indexed(services: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Elasticsearch, Settings]]:
    prefix = f"spell-{uuid.uuid4().hex[:8]}-"
    settings = Settings(elasticsearch_url=services.elasticsearch_url, index_prefix=prefix)
    pipeline = EmbeddedPipeline(settings, store_dir=Path(tmp_path_factory.mktemp("store")))
    pipeline.ingest([RawInput(json.dumps(a, ensure_ascii=False).encode(), SourcePosition("test")) for a in ARTICLES])
    documents = list(pipeline.store.documents())
    pipeline.close()
    client = Elasticsearch(services.elasticsearch_url, request_timeout=30)
    spellings = build_expander(settings).spellings
    with client, templates_installed(client, prefix):
        helpers.bulk(
            client,
            ({"_index": news_alias(prefix), "_id": d.id, "_source": search_source(d, spellings)} for d in documents),
            refresh="wait_for",
        )
        yield client, settings


@pytest.mark.parametrize("query", ["بوتن", "بوتين"])
def test_marsad_search_finds_either_spelling(indexed: tuple[Elasticsearch, Settings], query: str) -> None:
    _, settings = indexed
    page = ElasticBackend(settings).search(query, SearchFilters(), page=1, size=10)
    assert {hit.id for story in page.stories for hit in story.hits} == {"short", "long"}


@pytest.mark.parametrize("query", ["بوتن", "بوتين"])
def test_a_plain_query_on_the_default_fields_finds_either_spelling(
    indexed: tuple[Elasticsearch, Settings], query: str
) -> None:
    client, settings = indexed
    response = client.search(index=news_alias(settings.index_prefix), query={"query_string": {"query": query}})
    assert {hit["_id"] for hit in response["hits"]["hits"]} == {"short", "long"}
