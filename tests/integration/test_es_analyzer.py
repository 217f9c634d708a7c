"""The Arabic analysis of config/elasticsearch/news-template.json, on the node scripts/services starts.

Templates are installed with a unique prefix; assertions go through `_analyze` with the template's own
analyzers and through searches on the `news` write alias.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from elastic_support import templates_installed
from elasticsearch import Elasticsearch

from marsad.workers.elastic.templates import (
    alerts_index,
    first_news_index,
    install_templates,
    news_alias,
)

pytestmark = pytest.mark.integration

INDEX_ANALYZER = "marsad_arabic_index"
SEARCH_ANALYZER = "marsad_arabic"


@pytest.fixture
def es(services: Any) -> Iterator[Elasticsearch]:
    client = Elasticsearch(services.elasticsearch_url)
    yield client
    client.close()


@pytest.fixture
def prefix(es: Elasticsearch, unique_name: Callable[[str], str]) -> Iterator[str]:
    prefix = unique_name("marsad-test") + "-"
    with templates_installed(es, prefix):
        yield prefix


def analyze(es: Elasticsearch, prefix: str, analyzer: str, text: str) -> list[dict[str, Any]]:
    tokens: list[dict[str, Any]] = es.indices.analyze(index=news_alias(prefix), analyzer=analyzer, text=text)["tokens"]
    return tokens


def terms(es: Elasticsearch, prefix: str, analyzer: str, text: str) -> list[str]:
    return [token["token"] for token in analyze(es, prefix, analyzer, text)]


def terms_of_word(es: Elasticsearch, prefix: str, analyzer: str, sentence: str, word: str) -> set[str]:
    """The terms the analyzer makes for ``word`` where it stands inside ``sentence``."""
    start = sentence.index(word)
    return {token["token"] for token in analyze(es, prefix, analyzer, sentence) if token["start_offset"] == start}


def index_bodies(es: Elasticsearch, prefix: str, bodies: dict[str, str]) -> None:
    for doc_id, body in bodies.items():
        es.index(index=news_alias(prefix), id=doc_id, document={"id": doc_id, "body": body})
    es.indices.refresh(index=news_alias(prefix))


def search_body(es: Elasticsearch, prefix: str, query: str) -> set[str]:
    hits = es.search(index=news_alias(prefix), query={"match": {"body": query}})["hits"]["hits"]
    return {hit["_id"] for hit in hits}


def test_installing_twice_keeps_one_write_index_behind_the_alias(es: Elasticsearch, prefix: str) -> None:
    install_templates(es, prefix)

    aliases = es.indices.get_alias(name=news_alias(prefix))
    assert dict(aliases) == {first_news_index(prefix): {"aliases": {news_alias(prefix): {"is_write_index": True}}}}
    assert es.indices.exists(index=alerts_index(prefix))
    alert_fields = es.indices.get_mapping(index=alerts_index(prefix))[alerts_index(prefix)]["mappings"]
    assert alert_fields["properties"]["fired_at"] == {"type": "date"}
    news_fields = es.indices.get_mapping(index=first_news_index(prefix))[first_news_index(prefix)]["mappings"]
    assert news_fields["properties"]["entities"]["type"] == "nested"


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("رست سفينة الشحن بطرطوس بعد رحلة طويلة من الإسكندرية.", "بطرطوس"),
        ("زار الوفد اللاذقية وطرطوس وحماة خلال جولته الأسبوعية.", "وطرطوس"),
        ("وصلت شحنة القمح لطرطوس قادمة من ميناء أوديسا.", "لطرطوس"),
        ("عاد الصيادون وبطرطوس تنتظرهم الأسواق منذ الفجر.", "وبطرطوس"),
    ],
)
def test_a_proclitic_word_is_also_indexed_as_the_bare_name(
    es: Elasticsearch, prefix: str, sentence: str, word: str
) -> None:
    (bare,) = terms(es, prefix, SEARCH_ANALYZER, "طرطوس")
    assert bare in terms_of_word(es, prefix, INDEX_ANALYZER, sentence, word)


def test_diacritics_do_not_change_the_term(es: Elasticsearch, prefix: str) -> None:
    voweled = "هبطت الطائرة في قاعدة حُمَيْمِيم الجوية مساء الأحد."
    plain = "هبطت الطائرة في قاعدة حميميم الجوية مساء الأحد."
    for analyzer in (INDEX_ANALYZER, SEARCH_ANALYZER):
        assert terms_of_word(es, prefix, analyzer, voweled, "حُمَيْمِيم") == terms_of_word(
            es, prefix, analyzer, plain, "حميميم"
        )
        assert terms(es, prefix, analyzer, voweled) == terms(es, prefix, analyzer, plain)


def test_hamza_forms_of_alef_agree(es: Elasticsearch, prefix: str) -> None:
    with_hamza = terms(es, prefix, SEARCH_ANALYZER, "التقى أحمد بوزير الخارجية")
    without_hamza = terms(es, prefix, SEARCH_ANALYZER, "التقى احمد بوزير الخارجية")
    assert with_hamza == without_hamza


def test_arabic_indic_digits_become_ascii(es: Elasticsearch, prefix: str) -> None:
    sentence = "أُقيمت الانتخابات البلدية في عام ٢٠٢٥ بمشاركة واسعة."
    assert terms_of_word(es, prefix, SEARCH_ANALYZER, sentence, "٢٠٢٥") == {"2025"}
    assert terms_of_word(es, prefix, INDEX_ANALYZER, sentence, "٢٠٢٥") == {"2025"}


def test_stop_words_are_dropped(es: Elasticsearch, prefix: str) -> None:
    sentence = "اجتمع الوزراء في دمشق من أجل بحث الأزمة"
    for analyzer in (INDEX_ANALYZER, SEARCH_ANALYZER):
        produced = terms(es, prefix, analyzer, sentence)
        assert "في" not in produced
        assert "من" not in produced
        assert len(produced) == len(sentence.split()) - 2


def test_search_for_a_bare_name_finds_a_body_that_only_has_it_with_a_proclitic(es: Elasticsearch, prefix: str) -> None:
    index_bodies(
        es,
        prefix,
        {
            "port": "أعلنت السلطات افتتاح رصيف جديد للحاويات بطرطوس الأسبوع المقبل.",
            "other": "أعلنت السلطات افتتاح رصيف جديد للحاويات في اللاذقية الأسبوع المقبل.",
        },
    )
    assert search_body(es, prefix, "طرطوس") == {"port"}


def test_a_query_is_never_stripped_of_a_proclitic(es: Elasticsearch, prefix: str) -> None:
    index_bodies(
        es,
        prefix,
        {
            "lad": "احتفلت العائلة بعيد ميلاد ولده الأكبر ولدت ابنته الصغرى في الربيع.",
            "balad": "عاد المهاجر إلى بلده بعد غياب دام عشرين عاماً.",
        },
    )
    assert search_body(es, prefix, "بلد") == {"balad"}
    # «بلده» stripped of «ب» would be «لده» -> «لد», a term the other body has
    assert search_body(es, prefix, "بلده") == {"balad"}
