"""A common word after a head, a title or a place trigger names nothing; nationalities are those of places texts name
often (sentences written for these tests, each rule with a hit and a trap)."""

from __future__ import annotations

import pytest
from tagging_support import entities

from marsad.workers.pipeline import Tagger

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "sentence",
    [
        # An indefinite head and an adjective that agrees with it: a description.
        "أسست شركة ناشئة متخصصة في الذكاء الاصطناعي فرعا جديدا.",
        "قدمت مؤسسة مالية قرضا للمزارعين.",
        "شهدت الأسواق حركة نشطة قبيل العيد.",
        "أعلن اتحاد عمالي الإضراب العام.",
        "وافق المجلس على تأسيس هيئة رقابية مستقلة.",
        "أعلنت شركة جديدة عن خطتها للتوسع.",
        "أطلقت جامعة خاصة برنامجا للدراسات العليا.",
        "شكلت الحكومتان لجنة مشتركة لمتابعة الملف.",
        "تعمل منظمة إنسانية في المخيمات منذ سنوات.",
        "تأسست جمعية خيرية لرعاية الأيتام.",
        # A body named only by the sector the text speaks of.
        "أصدرت الهيئة الناظمة للقطاع قرارا بشأن الأسعار.",
        # A place trigger and an agreeing adjective.
        "فر السكان إلى قرية مجاورة بعد القصف.",
        "وصل وفد إلى مدينة ساحلية صغيرة.",
        "وقع انفجار في منطقة صناعية شرق المدينة.",
        "استقبل المستشفى مصابين من بلدة قريبة.",
        "تضرر مطار مدني قرب الحدود.",
        # A facility and a common noun, or what it is for.
        "دشنت الشركة محطة كهرباء تعمل بالطاقة الشمسية.",
        "يربط جسر للطاقة بين البلدين.",
        # After a title: ل + a verbal noun, a noun in the accusative.
        "دعا الرئيس لترؤس جلسة طارئة.",
        "عين الوزير مديرا جديدا للمؤسسة.",
        "قال مسؤول رفيع إن المحادثات مستمرة.",
        # An everyday adjective is no nationality before a name.
        "أكد المعدني خالد ذلك في تقريره.",
        "وصل البحري سامر إلى الميناء.",
    ],
)
def test_a_common_word_after_a_trigger_names_nothing(tag: Tagger, sentence: str) -> None:
    assert entities(tag, sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A rare word or a known place after the head names the body; a place's name is no adjective.
        ("أعلنت شركة دايو عن استثمار جديد.", ("شركة دايو", "ORG", "شركة دايو")),
        ("افتتحت جامعة حماة كلية جديدة.", ("جامعة حماة", "ORG", "جامعة حماة")),
        ("نظمت مؤسسة الإسكان معرضا.", ("مؤسسة الإسكان", "ORG", "مؤسسة الإسكان")),
        # A field of its own names the body.
        (
            "قال المتحدث باسم الهيئة الناظمة للاتصالات إن الأسعار ثابتة.",
            ("الهيئة الناظمة للاتصالات", "ORG", "الهيئة الناظمة للاتصالات"),
        ),
        # A rare town name after a trigger; a facility named by a place or a name.
        ("سقطت قذيفة على قرية كفرنبودة أمس.", ("قرية كفرنبودة", "LOC", "كفرنبودة")),
        ("توقفت محطة بانياس عن العمل.", ("محطة بانياس", "LOC", "محطة بانياس")),
        ("نقل المصابون إلى مستشفى تشرين العسكري.", ("مستشفى تشرين العسكري", "LOC", "مستشفى تشرين العسكري")),
        # A name after a title, its accusative noun left out.
        ("عين الوزير رضا الحسيني مديرا للمؤسسة.", ("رضا الحسيني", "PER", "رضا الحسيني")),
        ("استقبل الرئيس لؤي حداد في مكتبه.", ("لؤي حداد", "PER", "لؤي حداد")),
        # The nationality of a country.
        ("أكد الأردني محمود المواس جاهزيته.", ("محمود المواس", "PER", "محمود المواس")),
    ],
)
def test_a_name_after_a_trigger_is_still_found(tag: Tagger, sentence: str, expected: tuple[str, str, str]) -> None:
    assert expected in entities(tag, sentence)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Who owns the body is no part of its name; a nisba of the name is.
        ("رفع مصرف الرافدين الحكومي سعر الفائدة.", ("مصرف الرافدين", "ORG", "مصرف الرافدين")),
        ("أعلن مصرف سورية المركزي سعر الصرف.", ("مصرف سورية المركزي", "ORG", "مصرف سوريا المركزي")),
        # A group is called by its own name; a known company keeps the gazetteer's canonical.
        ("أعلنت مجموعة هيونداي عن استثمار جديد.", ("مجموعة هيونداي", "ORG", "هيونداي")),
        ("أعلنت مجموعة العشرين عن خطة.", ("مجموعة العشرين", "ORG", "مجموعة العشرين")),
        # ل + a verbal noun after the name is a purpose.
        (
            "اتخذ البنك المركزي العراقي إجراءات لتقليص التعامل بالدولار.",
            ("البنك المركزي العراقي", "ORG", "البنك المركزي العراقي"),
        ),
        # A second field after «و» and its adjective belong to the name; the next definite noun does not.
        (
            "دعا الاتحاد العام للزراعة والصيد البحري الحكومة إلى دعم الصيادين.",
            ("الاتحاد العام للزراعة والصيد البحري", "ORG", "الاتحاد العام للزراعة والصيد البحري"),
        ),
    ],
)
def test_a_body_s_name_ends_where_its_description_starts(
    tag: Tagger, sentence: str, expected: tuple[str, str, str]
) -> None:
    assert expected in entities(tag, sentence)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Laws and treaties are MISC (eval/README.md): a law by its definite subject, a treaty by its place.
        ("أقر البرلمان قانون الاستثمار الجديد.", ("قانون الاستثمار", "MISC", "قانون الاستثمار")),
        (
            "انسحبت الولايات المتحدة من اتفاقية باريس للمناخ.",
            ("اتفاقية باريس للمناخ", "MISC", "اتفاقية باريس للمناخ"),
        ),
    ],
)
def test_a_law_or_a_treaty_is_named(tag: Tagger, sentence: str, expected: tuple[str, str, str]) -> None:
    assert expected in entities(tag, sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "ينص قانون موازنة الدفاع على ذلك.",  # a noun and its owner: what the law is about
        "أعدت الحكومة مشروع قانون لمعالجة الفجوة المالية.",  # a purpose
        "صدر قانون جديد للإيجارات.",
        "تم توقيع اتفاقية التعاون بين الوزارتين.",  # any agreement, named by nothing
        "وقع الطرفان اتفاق الهدنة أمس.",
    ],
)
def test_a_law_or_an_agreement_named_by_nothing_is_no_entity(tag: Tagger, sentence: str) -> None:
    assert [entity for entity in entities(tag, sentence) if entity[1] == "MISC"] == []


@pytest.mark.parametrize(
    "sentence",
    [
        # A verbal noun that is also a given name, after a preposition and before its object.
        "ودعا المصدرون إلى تحسين التغليف والتبريد لرفع الأسعار.",
        # A word and its pronoun after «قانون»: no law's name.
        "وصوّت البرلمان على مشروع قانون قدمته الحكومة الشهر الماضي.",
        # A nationality after «و» + a definite word describes that word, no name follows it.
        "وتتوقع وزارة الزراعة والصيد البحري صابة زيتون وفيرة.",
    ],
)
def test_common_words_after_a_preposition_a_law_or_an_adjective_are_no_names(tag: Tagger, sentence: str) -> None:
    assert [e for e in entities(tag, sentence) if e[1] in ("PER", "MISC")] == []


def test_a_surname_with_the_article_is_a_common_noun_not_the_person_again(tag: Tagger) -> None:
    found = entities(tag, "وقال المدرب فادي تمور إن الفريق جاهز. وتراجعت صادرات التمور هذا العام.")
    assert [(text, canonical) for text, kind, canonical in found if kind == "PER"] == [("فادي تمور", "فادي تمور")]


def test_a_foreign_name_the_lexicon_lacks_after_a_nationality_is_a_person(tag: Tagger) -> None:
    found = entities(tag, "وأضاف البرازيلي فالنتينو الهدف الثاني قبل نهاية المباراة.")
    assert ("فالنتينو", "PER", "فالنتينو") in found
