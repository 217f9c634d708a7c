"""Organisations and events named by their head and what follows it (sentences written for these tests)."""

from __future__ import annotations

import pytest
from tagging_support import entities

from marsad.workers.pipeline import Tagger

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A definite head, an adjective and the field it serves.
        ("رفع الديوان الوطني للحبوب سعر الشراء.", ("الديوان الوطني للحبوب", "ORG", "الديوان الوطني للحبوب")),
        (
            "أصدرت المنسقية العامة للإغاثة تقريرها.",
            ("المنسقية العامة للإغاثة", "ORG", "المنسقية العامة للإغاثة"),
        ),
        (
            "حذرت المؤسسة المحلية للكهرباء من انقطاعات.",
            ("المؤسسة المحلية للكهرباء", "ORG", "المؤسسة المحلية للكهرباء"),
        ),
        # A rare participle is an adjective of the head too.
        ("أعلنت الهيئة الناظمة للطاقة قرارها.", ("الهيئة الناظمة للطاقة", "ORG", "الهيئة الناظمة للطاقة")),
        # ل + ال drops a lam before a ل: «للجنة» is ل + «اللجنة».
        ("قدم الوفد مقترحاته للجنة الوطنية أمس.", ("للجنة الوطنية", "ORG", "اللجنة الوطنية")),
        # A field with its relation adjectives, nationalities among them, and ل + a noun its owner follows.
        (
            "نسقت البلدية مع المديرية العامة للطيران المدني والعسكري في الإجراءات.",
            (
                "المديرية العامة للطيران المدني والعسكري",
                "ORG",
                "المديرية العامة للطيران المدني والعسكري",
            ),
        ),
        (
            "انتقد الاتحاد العام لتجارة وصناعة الأخشاب القرار.",
            ("الاتحاد العام لتجارة وصناعة الأخشاب", "ORG", "الاتحاد العام لتجارة وصناعة الأخشاب"),
        ),
        (
            "أعلنت الهيئة العامة للمناطق الصناعية الخاصة والمناطق الحرة أرباحها.",
            (
                "الهيئة العامة للمناطق الصناعية الخاصة والمناطق الحرة",
                "ORG",
                "الهيئة العامة للمناطق الصناعية الخاصة والمناطق الحرة",
            ),
        ),
        # Heads that are also common nouns, before a place.
        ("أعلنت قيادة شرطة البصرة القبض على العصابة.", ("قيادة شرطة البصرة", "ORG", "قيادة شرطة البصرة")),
        # A known place inside keeps the body's own words in its canonical name.
        ("نفذت شركة الفرات للمقاولات المشروع.", ("شركة الفرات للمقاولات", "ORG", "شركة الفرات للمقاولات")),
        # A transliterated name of several words.
        ("وقعت شركة كوبر ترانس غلوبال العقد.", ("شركة كوبر ترانس غلوبال", "ORG", "شركة كوبر ترانس غلوبال")),
        # The kind of body and a team's standing are no part of the name.
        (
            "انتقدت كتلة الوفاء والعدالة النيابية القانون.",
            ("كتلة الوفاء والعدالة", "ORG", "كتلة الوفاء والعدالة"),
        ),
        ("يبتعد نادي النجمة المتصدر بفارق نقطة.", ("نادي النجمة", "ORG", "النجمة")),
        # Events: a league's rank, a cup named by its country and sport, a championship by its adjective and sport, a
        # festival named by a compound place, which its committee does not hide.
        ("يتصدر الفريق الدوري الإنجليزي الممتاز.", ("الدوري الإنجليزي الممتاز", "MISC", "الدوري الإنجليزي الممتاز")),
        ("فاز الفريق بكأس تونس لكرة السلة.", ("كأس تونس لكرة السلة", "MISC", "كأس تونس لكرة السلة")),
        (
            "تنطلق البطولة الخليجية للسباحة الأسبوع المقبل.",
            ("البطولة الخليجية للسباحة", "MISC", "البطولة الخليجية للسباحة"),
        ),
        ("أعلنت لجنة مهرجانات عين الصفا برنامجها.", ("مهرجانات عين الصفا", "MISC", "مهرجانات عين الصفا")),
        # Meetings named by their place.
        ("انطلق معرض حلب الدولي أمس.", ("معرض حلب الدولي", "MISC", "معرض حلب الدولي")),
        ("تستعد العاصمة لاستضافة قمة بغداد 2026.", ("قمة بغداد 2026", "MISC", "قمة بغداد 2026")),
    ],
)
def test_bodies_and_events(tag: Tagger, sentence: str, expected: tuple[str, str, str]) -> None:
    assert expected in entities(tag, sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "نقلت الشركة المكتب الجديد للإدارة إلى الطابق الثاني.",  # a common adjective: an office, not a body's name
        "احتل الفريق المركز الثاني للمرة الأولى.",  # an ordinal is a rank
        "شدد القاضي على احترام سلطة القانون.",  # «سلطة» as power
        "نشر الجيش قوات إضافية على الحدود.",  # «قوات» as troops
        "تحدث المدرب عن قيادة الفريق في المباراة.",  # «قيادة» as leading
        "حقق العداء البطولة الأولى في مسيرته.",  # «البطولة» with no adjective and sport
        "تابع المشجعون الدوري المحلي باهتمام.",  # a league with no nationality
        "وقال في معرض حديثه إن الأمور تتحسن.",  # «في معرض» as «in the course of»
        "طالب مجلس إدارة الشركة بالتحقيق.",  # a common word after a head names no body
        "أطلقت وزارة خطة جديدة للنقل.",
        "وصل المتسلقون إلى قمة جبل الشيخ.",  # a mountain's peak
        "عقد الوزير مؤتمراً صحافياً مشتركاً.",  # a conference with no place
    ],
)
def test_no_body_or_event_where_none_is_named(tag: Tagger, sentence: str) -> None:
    assert [e for e in entities(tag, sentence) if e[1] in ("ORG", "MISC")] == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("أعلن مدرب المنتخب العراقي قائمة اللاعبين.", ("المنتخب العراقي", "ORG", "منتخب العراق")),
        ("انضم للمنتخب الأردني حارس جديد.", ("للمنتخب الأردني", "ORG", "منتخب الأردن")),
        # The country as most texts spell it, whichever spelling the gazetteer also lists.
        ("فاز المنتخب السوري على ضيفه.", ("المنتخب السوري", "ORG", "منتخب سوريا")),
    ],
)
def test_a_national_team_is_named_by_its_country(tag: Tagger, sentence: str, expected: tuple[str, str, str]) -> None:
    assert expected in entities(tag, sentence)


def test_a_team_with_no_nationality_is_no_name(tag: Tagger) -> None:
    assert entities(tag, "عاد المنتخب الوطني إلى التدريبات.") == []


def test_a_committee_of_a_festival_names_the_festival(tag: Tagger) -> None:
    found = entities(tag, "أعلنت لجنة مهرجانات عين الصفا برنامجها.")
    assert not [e for e in found if e[1] == "ORG"]


def test_a_nationality_still_ends_a_body_named_by_definite_words(tag: Tagger) -> None:
    found = entities(tag, "دعت وزارة الخارجية المصرية إلى التهدئة.")
    assert ("وزارة الخارجية المصرية", "ORG", "وزارة الخارجية المصرية") in found
