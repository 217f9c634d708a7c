"""A title's modifiers and the name after them (sentences written for these tests)."""

from __future__ import annotations

import pytest
from tagging_support import entities

from marsad.workers.pipeline import Tagger

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # ل + a noun owned by the next words is a modifier of the title, not the name.
        (
            "وقال رئيس النقابة العامة لتجارة وصناعة الألبسة منير حلواني إن المبيعات تراجعت.",
            ("منير حلواني", "PER", "منير حلواني"),
        ),
        # A given name written with a hamza is no definite word («إلياس»).
        ("وقال المدير إلياس نعمة إن المشروع تأخر.", ("إلياس نعمة", "PER", "إلياس نعمة")),
        # «أبو» inside a name, frequent as it is; then a preposition after the name.
        ("وأوضح رئيس مجلس الإدارة فارس أبو حمدة في بيان أن الأرباح زادت.", ("فارس أبو حمدة", "PER", "فارس أبو حمدة")),
        # «إلى» + a definite word modifies a title as «في» does.
        (
            "وصل المبعوث الأممي إلى الشرق الأوسط ريتشارد ميلر إلى بيروت.",
            ("ريتشارد ميلر", "PER", "ريتشارد ميلر"),
        ),
        # A compound town name after «بلدية».
        ("وقال رئيس بلدية كفر نبل جمال العمر إن الطريق فتحت.", ("جمال العمر", "PER", "جمال العمر")),
        # A European particle links the parts of a name.
        ("وقالت المديرة كلارا دو مونتيني إن المعرض يفتتح غداً.", ("كلارا دو مونتيني", "PER", "كلارا دو مونتيني")),
        # A body named in a title's modifiers is tagged too.
        (
            "وقال رئيس الهيئة العامة للموارد السمكية زياد نصار إن الصيد توقف.",
            ("الهيئة العامة للموارد السمكية", "ORG", "الهيئة العامة للموارد السمكية"),
        ),
        (
            "وقال رئيس الهيئة العامة للموارد السمكية زياد نصار إن الصيد توقف.",
            ("زياد نصار", "PER", "زياد نصار"),
        ),
        # A name starting with و is no «و» + a noun of the title's modifiers.
        ("وقال رئيس الاتحاد وديع الجريء إن الانتخابات في موعدها.", ("وديع الجريء", "PER", "وديع الجريء")),
        # People quoted by their trade or by who they are.
        ("وقال المزارع خليل الأحمد إن الموسم سيئ.", ("خليل الأحمد", "PER", "خليل الأحمد")),
        ("وتقول الطالبة رنا حداد إن الامتحانات صعبة.", ("رنا حداد", "PER", "رنا حداد")),
        ("وقال عضو المجلس البلدي جهاد الصمد إن الطريق سيفتح.", ("جهاد الصمد", "PER", "جهاد الصمد")),
        # Another person sharing a known person's surname is that other person.
        ("وقالت الكاتبة ريم جنبلاط إن الرواية صدرت.", ("ريم جنبلاط", "PER", "ريم جنبلاط")),
        # A surname that is also a place's name is the person's, after a title.
        ("وقال الباحث سامر حمص إن الدراسة اكتملت.", ("سامر حمص", "PER", "سامر حمص")),
    ],
)
def test_a_title_and_its_modifiers(tag: Tagger, sentence: str, expected: tuple[str, str, str]) -> None:
    assert expected in entities(tag, sentence)


@pytest.mark.parametrize(
    ("sentence", "absent"),
    [
        # «إلى» is no definite word: the verbal noun after it is no name.
        ("دعا الرئيس في لقائه مع الوزير إلى فتح أسواق جديدة.", "فتح أسواق"),
        # ل + a noun is no name after a title's definite modifiers.
        ("وقال رئيس الجمعية الخيرية لرعاية الأيتام إن التبرعات زادت.", "لرعاية الأيتام"),
        # A body that only describes a role in a title is no name.
        ("وقال رئيس مجلس المدينة خالد الحمود إن الطريق فتح.", "مجلس المدينة"),
        ("وقالت رئيسة لجنة الجائزة سعاد حداد إن النتائج تعلن غداً.", "لجنة الجائزة"),
        # A frequent adjective after an indefinite title is no name.
        ("انضم إلى الفريق لاعب جديد أمس.", "جديد"),
        ("وقال مسؤول بارز إن المفاوضات مستمرة.", "بارز"),
        # A nationality after a definite word describes it: no name after it.
        ("أرسلت جمعية الهلال الأحمر العربي السوري قافلة مساعدات.", "قافلة مساعدات"),
        # A preposition and a frequent noun after a title are no name.
        ("تعرض الشاب لإصابة خطيرة في الرأس.", "لإصابة خطيرة"),
        # An indefinite nationality after a title is no name.
        ("وقال وزير عراقي سابق إن الاتفاق تأخر.", "عراقي"),
        # A preposition and a verbal noun after a title are no name.
        ("يسمح القانون للرئيس الفرنسي بتعيين الوزراء.", "بتعيين"),
        # A word with the article after a proclitic is no given name («المعلمة» is also «marked»).
        ("ابتعدوا عن الأعشاش المعلمة بالأعلام الحمراء.", "بالأعلام الحمراء"),
    ],
)
def test_no_name_from_a_title_where_none_is(tag: Tagger, sentence: str, absent: str) -> None:
    assert absent not in [text for text, _, _ in entities(tag, sentence)]


def test_the_known_person_keeps_a_misspelled_given_name(tag: Tagger) -> None:
    # «فلاديمير» mistyped is still the gazetteer's person, not another one.
    found = entities(tag, "قال الرئيس فلادمير بوتين إن المحادثات مستمرة.")
    assert [canonical for _, kind, canonical in found if kind == "PER"] == ["فلاديمير بوتين"]


def test_a_place_alone_stays_a_place(tag: Tagger) -> None:
    assert ("حمص", "LOC", "حمص") in entities(tag, "وصل الوزير سامر حداد إلى حمص أمس.")


def test_a_later_surname_is_the_person_found_by_title_not_the_known_one(tag: Tagger) -> None:
    found = entities(tag, "وقالت الكاتبة ريم جنبلاط إن الرواية صدرت. وأضافت جنبلاط أن الطبعة الثانية قريبة.")
    assert found == [("ريم جنبلاط", "PER", "ريم جنبلاط"), ("جنبلاط", "PER", "ريم جنبلاط")]


def test_a_later_surname_that_is_a_place_is_the_person(tag: Tagger) -> None:
    found = entities(tag, "وقالت منسقة المشروع هبة الخليل إن العمل بدأ. ودعت الخليل المتطوعين إلى الحذر.")
    assert found == [("هبة الخليل", "PER", "هبة الخليل"), ("الخليل", "PER", "هبة الخليل")]


def test_the_known_person_keeps_the_surname_when_named_in_full(tag: Tagger) -> None:
    found = entities(tag, "قال وليد جنبلاط إن الحزب مستعد. وأضاف جنبلاط أن الحوار ضروري.")
    assert {canonical for _, kind, canonical in found if kind == "PER"} == {"وليد جنبلاط"}


def test_a_person_joined_by_and_to_one_found_is_found_too(tag: Tagger) -> None:
    found = entities(tag, "وضمت القائمة المدافع سامر حداد ومحمود قرقناوي إلى جانب الحارس.")
    assert ("محمود قرقناوي", "PER", "محمود قرقناوي") in found


@pytest.mark.parametrize(
    "sentence",
    [
        "وقال المدرب سامر حداد وزملاؤه إن الفريق جاهز.",  # a noun, not a given name
        "وقال المدرب سامر حداد ومحمد عادة ما يتأخر.",  # a given name before a common word
    ],
)
def test_no_second_person_after_and_where_none_is_named(tag: Tagger, sentence: str) -> None:
    assert [canonical for _, kind, canonical in entities(tag, sentence) if kind == "PER"] == ["سامر حداد"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # «علي» written with ي and a given name after it, after a title, is a name, not «على».
        ("وقال قائد الشرطة العميد علي حسن الجبوري إن الطرق آمنة.", "علي حسن الجبوري"),
        # «باسم» and a pronoun close the title; the name follows.
        ("واعترض الأهالي، وقال الناطق باسمهم جورج قزي إن القرار ظالم.", "جورج قزي"),
        # After a title's modifiers, «باسم» before a rare family name is a given name.
        ("وقال عضو لجنة الزراعة النيابية باسم الدليمي إن الموسم جيد.", "باسم الدليمي"),
    ],
)
def test_a_name_after_a_title_that_starts_with_a_word_of_another_use(tag: Tagger, sentence: str, expected: str) -> None:
    assert [text for text, kind, _ in entities(tag, sentence) if kind == "PER"] == [expected]


def test_ali_typed_for_ala_after_a_title_is_no_name(tag: Tagger) -> None:
    found = entities(tag, "وحصل اللاعب علي جائزة أفضل هداف في البطولة.")
    assert [text for text, kind, _ in found if kind == "PER"] == []
