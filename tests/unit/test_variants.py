"""Spelling variants of one name: generated for the gazetteer's names, so either spelling is tagged and a search
for either spelling finds both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.embedded import EmbeddedPipeline
from marsad.topics.records import RawInput, SourcePosition
from marsad.workers.build import build_expander
from marsad.workers.pipeline import Tagger
from marsad.workers.settings import Settings
from marsad.workers.stages.lexicon import frequencies
from marsad.workers.stages.normalize import NormalizedText, normalize
from marsad.workers.stages.variants import SpellingExpander, spellings

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("name", "variant"),
    [
        ("سيرغي لافروف", "سيرجي لافروف"),  # g as غ or ج
        ("ميخائيل ميشوستين", "ميخائيل ميشوستن"),  # a long vowel dropped («بوتن», a known word, is an alias)
        ("فولوديمير زيلينسكي", "فولوديمير زيلنسكي"),
        ("أنقرة", "أنقرا"),  # the final a as ة or ا
        ("أنطاكيا", "أنتاكيا"),  # t as the older ط or ت
        ("سان بطرسبورغ", "سان بترسبورغ"),
    ],
)
def test_spellings_of_a_name(name: str, variant: str) -> None:
    assert normalize(variant) in spellings(name, frequencies())


def test_a_frequent_word_is_not_a_spelling_of_a_name() -> None:
    assert "محمد" not in spellings("محمود", frequencies())


@pytest.mark.parametrize(
    ("sentence", "canonical"),
    [
        ("التقى سيرجي لافروف نظيره التركي في أنقرة.", "سيرغي لافروف"),
        ("قال فلاديمير بوتن إن المفاوضات مستمرة.", "فلاديمير بوتين"),
        ("رفض فولوديمير زيلنسكي المقترح.", "فولوديمير زيلينسكي"),
    ],
)
def test_either_spelling_is_tagged_with_one_canonical(tag: Tagger, sentence: str, canonical: str) -> None:
    found = tag(NormalizedText.of(sentence), NormalizedText.of(""))
    assert canonical in {entity.canonical for entity in found}


def test_a_plain_t_that_makes_a_word_is_no_spelling() -> None:
    # «طلال» (a given name) is not «تلال» (hills), and «منطقة» (a region), a common word, is no foreign name
    assert normalize("تلال") not in spellings("طلال", frequencies())
    assert spellings("منطقة", frequencies()) == [normalize("منطقة"), normalize("منطقا")]


def test_a_plain_t_spelling_is_tagged_and_hills_are_not(tag: Tagger) -> None:
    found = tag(
        NormalizedText.of("وصلت فرق الإغاثة إلى أنتاكيا بعد الهزة، فيما غطت الثلوج تلال المنطقة."),
        NormalizedText.of(""),
    )
    assert {entity.canonical for entity in found} == {"أنطاكيا"}


def test_the_i_of_a_final_ia_is_never_dropped() -> None:
    # «صربا» is a quarter of Jounieh, not Serbia; «مارا» another name than «ماريا»
    assert spellings("صربيا", frequencies()) == [normalize("صربيا"), normalize("صربية")]
    assert normalize("مارا") not in spellings("ماريا", frequencies())


def test_a_pattern_word_without_its_long_vowel_is_another_word() -> None:
    # «الخلل» (a defect), «المصل» (a serum), «مسكن» (a dwelling); a longer foreign name keeps its short spelling
    assert normalize("الخلل") not in spellings("الخليل", frequencies())
    assert normalize("المصل") not in spellings("الموصل", frequencies())
    assert normalize("مسكن") not in spellings("مسكين", frequencies())
    assert normalize("نيوزلندا") in spellings("نيوزيلندا", frequencies())


@pytest.mark.parametrize(
    "sentence",
    [
        "اندلع حريق في مبنى قديم في حي صربا فجر اليوم.",
        "كشف الفنيون الخلل في شبكة الكهرباء بعد ساعات.",
        "نقلت الشاحنة المصل واللقاحات إلى المستوصفات.",
        "اجتمع الوسطاء سريا في فندق صغير.",
    ],
)
def test_a_word_is_not_tagged_as_a_name_it_resembles(tag: Tagger, sentence: str) -> None:
    found = {entity.canonical for entity in tag(NormalizedText.of(sentence), NormalizedText.of(""))}
    assert not found & {"صربيا", "الخليل", "الموصل", "سوريا"}


def test_common_words_are_not_generated_as_spellings() -> None:
    # «سورة» (a chapter) and «تركية» (Turkish) are frequent on their own: no spellings of «سوريا», «تركيا».
    assert normalize("سورة") not in spellings("سورية", frequencies())
    assert normalize("تركية") not in spellings("تركيا", frequencies())


@pytest.fixture(scope="module")
def expander() -> SpellingExpander:
    return build_expander(Settings())


@pytest.mark.parametrize(
    ("query", "other"),
    [
        ("بوتن", "بوتين"),
        ("بوتين", "بوتن"),
        ("زيلنسكي", "زيلينسكي"),
        ("سورية", "سوريا"),
        ("سيرجي لافروف", "سيرغي لافروف"),
        ("ترمب", "ترامب"),
        ("أنتاليا", "أنطاليا"),
        # a long vowel more than the listed name writes, which no rule generates
        ("اليونيسيف", "اليونيسف"),
    ],
)
def test_a_query_is_expanded_with_the_other_spellings(expander: SpellingExpander, query: str, other: str) -> None:
    expanded = expander.expand(query)
    assert expanded.startswith(query)
    assert normalize(other) in normalize(expanded).split(" ", len(query.split()))[-1]


def test_a_query_without_names_is_left_alone(expander: SpellingExpander) -> None:
    assert expander.expand("أسعار الخبز في السوق") == "أسعار الخبز في السوق"


def test_a_known_word_is_not_expanded_to_a_name_of_other_vowels(expander: SpellingExpander) -> None:
    assert expander.expand("الشيف") == "الشيف"  # the chef, not the Chouf («الشوف»): both fold to «الشف»


def test_a_one_word_name_is_not_widened_to_longer_forms(expander: SpellingExpander) -> None:
    assert "العربيه" not in normalize(expander.expand("سوريا"))


def test_spellings_of_a_listed_and_of_an_unlisted_name(expander: SpellingExpander) -> None:
    assert normalize("فلاديمير بوتن") in expander.spellings("فلاديمير بوتين")
    assert normalize("جورج حداد") in expander.spellings("جورج حداد")  # a name no list has: its own spellings
    assert normalize("غورغ حداد") in expander.spellings("جورج حداد")


def test_either_spelling_finds_both_in_the_embedded_search(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "store")
    pipeline = EmbeddedPipeline(settings)
    articles = [
        {"id": "a", "title": "قمة", "body": "قال الرئيس فلاديمير بوتن إن القمة ستعقد في الخريف المقبل."},
        {"id": "b", "title": "اتصال", "body": "أجرى فلاديمير بوتين اتصالا هاتفيا بنظيره التركي أمس."},
        {"id": "c", "title": "طقس", "body": "تشهد البلاد موجة حر شديدة خلال الأسبوع الجاري."},
    ]
    try:
        pipeline.ingest(
            [RawInput(json.dumps(article, ensure_ascii=False).encode(), SourcePosition("test")) for article in articles]
        )
        for query in ("بوتن", "بوتين"):
            hits = pipeline.store.search(pipeline.expand(query), 10)
            assert {hit.document.id for hit in hits} == {"a", "b"}
    finally:
        pipeline.close()
