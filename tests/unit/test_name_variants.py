"""Transliterations of a name no gazetteer lists: the `name_variants` field folds them onto one key, at index and
search time, for rare words only, so a search for one spelling finds the other and a word of the lexicon finds
no false friend through it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from marsad.embedded import EmbeddedPipeline
from marsad.search.analyzer import analyze_variants
from marsad.search.fts import FullTextIndex
from marsad.store import Store
from marsad.topics.records import RawInput, SourcePosition
from marsad.workers.elastic.templates import TEMPLATE_FILES
from marsad.workers.settings import Settings
from marsad.workers.stages.variants import (
    FOLD_MIN_KEY,
    FOLD_MIN_LETTERS,
    TRANSLITERATION_LETTERS,
    VariantWords,
    variant_words,
)

pytestmark = pytest.mark.unit

TEMPLATE = TEMPLATE_FILES["news"]


def _keys(text: str) -> list[str]:
    return [token.term for token in analyze_variants(text)]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("غوارديولا", "جوارديولا"),  # g as غ or ج
        ("خيسوس", "جيسوس"),  # the Spanish j as خ or ج
        ("غروندبرغ", "جروندبرج"),  # every g of the name at once
        ("هانز", "هانس"),  # s as ز or س
        ("زيلينسكي", "زيلنسكي"),  # a long vowel written or dropped
        ("بيدرسون", "بيدرسن"),
        ("خاركيف", "خاركوف"),  # one long vowel for another
        ("ليندا", "ليندة"),  # the final a as ا or ة
        ("أوباما", "وباما"),  # an initial o as «أو» or «و»
        ("فيكتور", "ڤيكتور"),  # v as ف or ڤ
        ("غوارديولا", "غوَارْدِيُولا"),  # diacritics
    ],
)
def test_two_transliterations_fold_onto_one_key(one: str, other: str) -> None:
    assert _keys(one) == _keys(other) != []


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("جمال", "كمال"),  # ج and ك are two names, not two spellings of one
        ("سامر", "سمير"),  # the alef is kept: a long a is written in transliterations
        ("نبيل", "نبيه"),
    ],
)
def test_different_names_keep_different_keys(one: str, other: str) -> None:
    assert _keys(one) != _keys(other)


def test_short_words_and_stop_words_are_not_folded() -> None:
    # «تاب» is the tail of «كتاب», «حث» of «بحث»: three letters or fewer say too little to fold
    assert _keys("تاب حث رد لاح زير في على هذه") == []


@pytest.fixture(scope="module")
def words() -> VariantWords:
    return variant_words()


def test_a_rare_name_only_the_text_has_enters_the_field(words: VariantWords) -> None:
    field = words.words("مباراة الديربي", "قال المدرب البرتغالي خيسوس إن فريقه يستحق الفوز وأشاد بالحارس مبابو.")
    assert set(field.split()) >= {"خيسوس", "مبابو"}
    # common words stay out: «المدرب», «فريقه», «الفوز» fold onto keys that common words have
    assert not set(field.split()) & {"المدرب", "البرتغالي", "فريقه", "الفوز", "مباراه", "الديربي"}


def test_a_rare_name_after_a_proclitic_enters_without_it(words: VariantWords) -> None:
    field = words.words("", "واستقبل الرئيس المبعوث هانز غروندبرغ ولغروندبرغ وجيسوس لقاءات أخرى.")
    assert {"غروندبرغ", "جيسوس"} <= set(field.split())


def test_a_word_of_the_lexicon_never_enters(words: VariantWords) -> None:
    # «الشرع» (a surname, and a word) would meet «الشروع» (starting), «الشوف» (a district) «الشيف» (a chef), and
    # «جوارديولا», frequent enough to be in the lexicon, is the gazetteer's to spell
    body = "أعلنت وزارة الخارجية أن الرئيس أحمد الشرع زار الشوف، وقاد بيب جوارديولا فريقه إلى الفوز."
    assert words.words("", body) == ""


def test_a_known_word_behind_a_proclitic_is_no_rare_word(words: VariantWords) -> None:
    # «والثروة» is و + «الثروة», «للحبوب» ل + «الحبوب»: folded, they would meet «والثورة» and «للحبيب»
    assert words.words("", "تحدث عن والثروة النفطية وللحبوب المستوردة وبالمنطقة.") == ""


def test_a_rare_word_whose_key_a_known_word_has_stays_out(words: VariantWords) -> None:
    # «الخروب» (carob) is rare, but folds onto the key of «الغرب» (the West): in the field, a search for the West
    # would find the carob harvest
    assert VariantWords.key("الخروب") == VariantWords.key("الغرب")
    assert "الخروب" not in words.words("", "بدأ موسم قطاف الخروب في القرى الجبلية.").split()


@pytest.fixture
def index() -> Iterator[FullTextIndex]:
    connection = sqlite3.connect(":memory:")
    yield FullTextIndex(connection)
    connection.close()


def _add(index: FullTextIndex, key: int, title: str, body: str) -> None:
    index.add(key, title, body, variant_words().words(title, body))


def test_a_search_for_one_spelling_finds_the_other_and_ranks_its_own_first(index: FullTextIndex) -> None:
    _add(index, 1, "الدوري", "قاد المدرب فيلاجراندي فريقه إلى الفوز.")
    _add(index, 2, "الدوري", "قال فيلاغراندي إن الموسم كان صعبا.")
    _add(index, 3, "اقتصاد", "ارتفعت أسعار الذهب في الأسواق.")
    assert [hit.doc_key for hit in index.search("فيلاغراندي", limit=10)] == [2, 1]
    assert [hit.doc_key for hit in index.search("فيلاجراندي", limit=10)] == [1, 2]


def test_a_common_word_finds_no_false_friend_through_the_field(index: FullTextIndex) -> None:
    _add(index, 1, "", "بدأ موسم قطاف الخروب وتعاقد النادي مع المهاجم خيسوس.")
    _add(index, 2, "", "انتهى الاجتماع في وزارة الخارجية.")
    # «الغرب» folds onto the key of «الخروب»: a common word, so neither is in the field
    for query in ("الغرب", "الجيش", "الخارجية"):
        assert 1 not in {hit.doc_key for hit in index.search(query, limit=10)}, query
    assert [hit.doc_key for hit in index.search("جيسوس", limit=10)] == [1]


def test_a_document_stored_before_the_field_is_listed_for_it(index: FullTextIndex) -> None:
    _add(index, 1, "", "قال خيسوس إن الفريق جاهز.")
    assert index.without_variants() == []
    index._connection.execute("DELETE FROM fts_variant_words")  # as in a store written before the field
    assert index.without_variants() == [1]


def test_the_template_defines_the_chain_the_python_fold_mirrors() -> None:
    analysis = json.loads(TEMPLATE.read_text(encoding="utf-8"))["template"]["settings"]["analysis"]
    chain = analysis["analyzer"]["marsad_variants"]
    assert chain["char_filter"] == ["marsad_transliteration"]
    rules = analysis["char_filter"]["marsad_transliteration"]["mappings"]
    assert dict(rule.split(" => ") for rule in rules) == TRANSLITERATION_LETTERS
    assert chain["tokenizer"] == "standard"
    filters = [analysis["filter"].get(name, {"type": name}) for name in chain["filter"]]
    assert filters == [
        {"type": "lowercase"},
        {"type": "decimal_digit"},
        {"type": "stop", "stopwords": "_arabic_"},
        {"type": "arabic_normalization"},
        {"type": "length", "min": FOLD_MIN_LETTERS},
        {"type": "pattern_replace", "pattern": "^او", "replacement": "و"},
        {"type": "pattern_replace", "pattern": "(?<=.)[وي](?=.)", "replacement": ""},
        {"type": "pattern_replace", "pattern": "ه$", "replacement": "ا"},
        {"type": "length", "min": FOLD_MIN_KEY},
    ]
    mapping = json.loads(TEMPLATE.read_text(encoding="utf-8"))["template"]["mappings"]["properties"]["name_variants"]
    assert mapping["analyzer"] == "marsad_variants"
    assert "search_analyzer" not in mapping  # the same chain at index and search time


def test_a_store_written_before_the_field_gets_it_when_opened(tmp_path: Path) -> None:
    article = {"id": "a1", "title": "الدوري", "body": "قال المدرب خيرونيمو إن فريقه جاهز للمباراة."}
    pipeline = EmbeddedPipeline(Settings(), store_dir=tmp_path)
    pipeline.ingest([RawInput(json.dumps(article, ensure_ascii=False).encode(), SourcePosition("test"))])
    pipeline.close()
    connection = sqlite3.connect(tmp_path / "marsad.db")
    connection.execute("DELETE FROM fts_variant_words")  # as a store written before the field existed
    connection.execute("DELETE FROM fts_variants")
    connection.commit()
    connection.close()
    store = Store(tmp_path)
    try:
        assert [seq for seq, _ in store.ranked("جيرونيمو", 10)] == [1]
    finally:
        store.close()
