"""Places named from their context: facilities, governorates, compound names (sentences written for these tests)."""

from __future__ import annotations

import pytest
from tagging_support import entities

from marsad.workers.pipeline import Tagger

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A facility named by a known place, with an agreeing adjective: the facility, not the place alone.
        ("افتتح الوزير مستشفى حلب الجامعي أمس.", ("مستشفى حلب الجامعي", "LOC", "مستشفى حلب الجامعي")),
        # A frequent word names a facility when an agreeing adjective follows it.
        ("نقل المصابون إلى مستشفى النور الجامعي.", ("مستشفى النور الجامعي", "LOC", "مستشفى النور الجامعي")),
        # A monastery and a church named by a saint.
        ("زار الوفد دير مار موسى في القلمون.", ("دير مار موسى", "LOC", "دير مار موسى")),
        # A governorate named by a definite word, frequent as it is.
        ("هطلت أمطار غزيرة في محافظة الشمالية أمس.", ("محافظة الشمالية", "LOC", "الشمالية")),
        # Compound place names with no trigger before them.
        ("سقطت قذائف على كفر زيتا ليلاً.", ("كفر زيتا", "LOC", "كفر زيتا")),
        ("نزحت عائلات من عين الفيجة إلى المدينة.", ("عين الفيجة", "LOC", "عين الفيجة")),
        # A neighbourhood, also named by a title and a name.
        ("اندلع حريق في حي الجحملية فجراً.", ("حي الجحملية", "LOC", "الجحملية")),
        ("انقطعت المياه عن حي الشيخ مقصود أمس.", ("حي الشيخ مقصود", "LOC", "الشيخ مقصود")),
        # «باسم» is a given name after a title's modifiers when a name follows it.
        ("وقال مدير المرفأ باسم عبد الرحيم إن العمل مستمر.", ("باسم عبد الرحيم", "PER", "باسم عبد الرحيم")),
    ],
)
def test_places_found_from_their_context(tag: Tagger, sentence: str, expected: tuple[str, str, str]) -> None:
    assert expected in entities(tag, sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "أكد الوزير محافظة الحكومة على دعم الخبز.",  # «محافظة» as keeping
        "رأى الخبراء في الاتفاق عين الصواب.",  # «عين» + a common word: an idiom
        "قالها بثقة تامة عن علم اليقين وعين اليقين.",  # «عين» with no preposition before it
        "عين الرئيس محافظاً جديداً للمدينة.",  # «عين» as appointed
        "رست السفينة في مرفأ المدينة القديم.",  # a frequent word with no agreeing adjective
        "نقل المصابون إلى مستشفى النور صباحاً.",  # the same frequent word alone is no name
        "وقال مدير الشركة باسم الموظفين إن الرواتب تأخرت.",  # «باسم» as «in the name of»
        "انقطعت المياه عن حي الشيخ أمس.",  # a title with no name after it
        "تضرر حي سكني كامل في القصف.",  # an indefinite adjective describes the place
        "هبطت الطائرة في مطار عسكري قرب المدينة.",
    ],
)
def test_no_place_where_the_context_names_none(tag: Tagger, sentence: str) -> None:
    assert [e for e in entities(tag, sentence) if e[1] in ("LOC", "PER")] == []


def test_a_known_place_after_its_trigger_stays_the_gazetteers(tag: Tagger) -> None:
    # «دير» starts the known «دير الزور»: no facility of it with the adjective that follows.
    found = entities(tag, "تواصلت الاشتباكات في ريف دير الزور الشرقي.")
    assert ("دير الزور", "LOC", "دير الزور") in found
    assert not [e for e in found if "الشرقي" in e[0]]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A Sudanese district after «و» or a preposition.
        ("سجلت إصابات في مدينة كوستي ومحلية الدندر خلال أسبوع.", ("محلية الدندر", "LOC", "الدندر")),
        # Neighbourhoods and oases named in the plural.
        ("وستشهد أحياء المنصورة والشيخ عثمان تحسناً في الكهرباء.", ("أحياء المنصورة", "LOC", "المنصورة")),
        ("وتضررت واحات دوز من موجة الحر.", ("واحات دوز", "LOC", "دوز")),
        # A Maghrebi place name with «بن».
        ("وانتشرت الشرطة في أحياء بن عكنون قرب الملعب.", ("أحياء بن عكنون", "LOC", "بن عكنون")),
    ],
)
def test_plural_and_regional_settlement_words(tag: Tagger, sentence: str, expected: tuple[str, str, str]) -> None:
    assert expected in entities(tag, sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "وقالت مصادر محلية إن شركة محلية نفذته في عام.",  # «محلية» the adjective, after a noun
        "وقالت وسائل إعلام إن الناجين بقوا أحياء تحت الركام.",  # «أحياء» as alive
    ],
)
def test_a_settlement_word_used_as_an_adjective_names_no_place(tag: Tagger, sentence: str) -> None:
    assert [e for e in entities(tag, sentence) if e[1] == "LOC"] == []
