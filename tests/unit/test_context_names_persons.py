"""People no list names and no title directly precedes: a given name and its surname, a speaker after a verb of saying,
a name in apposition after a title and a comma, kin (sentences written for these tests, each rule with a hit and a
trap)."""

from __future__ import annotations

import pytest
from tagging_support import entities

from marsad.workers.pipeline import Tagger
from marsad.workers.stages import lexicon

pytestmark = pytest.mark.unit


def people(tag: Tagger, sentence: str) -> list[str]:
    return [text for text, kind, _ in entities(tag, sentence) if kind == "PER"]


def test_the_given_names_are_names_not_common_words() -> None:
    given = lexicon.given_names()
    assert {"احمد", "سلمي", "ليندة".replace("ة", "ه"), "جورج", "نبيل"} <= given
    # Nouns, adjectives and titles that people also bear are left out: with the article they are words.
    assert not {"رئيس", "كبير", "امل", "نظام"} & given


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A given name and an indefinite surname.
        ("وقال أحمد هشام إن الفريق استعد جيداً للنهائي.", ["أحمد هشام"]),
        # Two people joined by «و», each a given name and a surname, after a proclitic.
        ("وأشادت المدربة بأداء ليندة بوزيدي وسلمى الإدريسي في السباق.", ["ليندة بوزيدي", "سلمى الإدريسي"]),
        # A given name and two indefinite words.
        ("وحضر نبيل عواد قطيش حفل الافتتاح.", ["نبيل عواد قطيش"]),
        # A noun a definite word owns is no third word of the name.
        ("في ورشة قرب الساحة، يقلب سالم عيسى قوالب الجبن التي تجف.", ["سالم عيسى"]),
        # A surname in ة; a noun and its pronoun after it is no third word.
        ("وأحيت ريم بركات حفلتها الأولى في المدينة.", ["ريم بركات"]),
    ],
)
def test_a_given_name_and_its_surname(tag: Tagger, sentence: str, expected: list[str]) -> None:
    assert people(tag, sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # A given name that is also a word, before a common word.
        "وسادت أجواء من الفرح بعد إعلان النتائج في نور الصباح.",
        # «علي» typed for «على» before a rare word.
        "وحصل المنتخب علي بطاقة التأهل.",
        # A given name before a verb or a noun after a proclitic.
        "وقال إن فادي سيعود غداً وأن سامر ولقاءه تأجلا.",
        # A given name before a plural relation adjective.
        "والتقى وفد من الأطباء بشهد دبلوماسيين غربيين.",
        # A given name that is also a word, after «ب», before a noun and its pronoun.
        "وعاد المصنع إلى العمل بكامل طاقته بعد الصيانة.",
    ],
)
def test_no_surname_where_a_common_word_follows(tag: Tagger, sentence: str) -> None:
    assert not [p for p in people(tag, sentence) if " " in p]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A speaker after a verb of saying, then «إن».
        ("وقالت جيرالدين موفوا إن الاتحاد الأوروبي سيرسل مساعدات.", ["جيرالدين موفوا"]),
        # After a verb of meeting, then a comma and the title.
        ("والتقى أوزغور أوزيل، زعيم المعارضة التركية، وفداً من النقابات.", ["أوزغور أوزيل"]),
    ],
)
def test_a_speaker_after_a_verb_of_saying(tag: Tagger, sentence: str, expected: list[str]) -> None:
    assert people(tag, sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "قال مصدر أمني إن الهجوم وقع ليلاً.",
        "وأكد دبلوماسيون غربيون أن المفاوضات متعثرة.",
        "وقالت مصادر محلية إن الطريق أغلق.",
        # One rare word is no name: «قال شهود» …
        "وأضاف شهود أن النيران اشتعلت.",
    ],
)
def test_no_speaker_where_a_common_noun_speaks(tag: Tagger, sentence: str) -> None:
    assert people(tag, sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A title, its modifiers, a comma, then the name and a comma: an apposition.
        ("وقال رئيس حزب الشعب الجمهوري، أوزغور أوزيل، إن الانتخابات يجب أن تكون مبكرة.", ["أوزغور أوزيل"]),
        # ... a given name no list has, and a definite surname.
        ("وقالت وزيرة الثقافة التونسية، منية الصرارفي، إن المهرجان سيقام في موعده.", ["منية الصرارفي"]),
    ],
)
def test_a_name_in_apposition_after_a_title(tag: Tagger, sentence: str, expected: list[str]) -> None:
    assert people(tag, sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # What follows the comma is a phrase, not a name.
        "وقال الوزير، في مؤتمر صحفي، إن الخطة جاهزة.",
        "وقال المدرب، بعد المباراة، إن فريقه استحق الفوز.",
        "وزار رئيس البلدية، برفقة وفد، المدرسة.",
    ],
)
def test_no_apposition_where_a_phrase_follows_the_comma(tag: Tagger, sentence: str) -> None:
    assert people(tag, sentence) == []


def test_kin_introduce_a_person(tag: Tagger) -> None:
    assert people(tag, "ونقل شقيقه رامي عبود الجثمان إلى القرية.") == ["رامي عبود"]


def test_kin_before_a_common_word_name_nobody(tag: Tagger) -> None:
    assert people(tag, "وقالت إن زوجها مريض منذ أشهر.") == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A clause starts with the name, then a comma and the title.
        ("أوزغور أوزيل، زعيم حزب الشعب الجمهوري، دعا إلى انتخابات مبكرة.", ["أوزغور أوزيل"]),
        # After a verb of saying, a known given name and a frequent surname («حداد» is also mourning).
        ("وأضافت ريم حداد، مديرة المدرسة، أن الدوام يبدأ غداً.", ["ريم حداد"]),
    ],
)
def test_a_name_before_a_comma_and_a_title(tag: Tagger, sentence: str, expected: list[str]) -> None:
    assert people(tag, sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # The words before the comma end a clause, they do not start one.
        "وصل الوفد صباح أمس، الرئيس وصل لاحقاً.",
        # A frequent noun before the comma, with no given name.
        "وبعد جولة مفاوضات، رئيس الوفد قال إن الجولة انتهت.",
    ],
)
def test_no_name_before_a_comma_where_a_clause_ends(tag: Tagger, sentence: str) -> None:
    assert people(tag, sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A foreign given name (the hand-written list) and a surname, with no title and no verb of saying before.
        ("وانتقد أوزغور أوزيل سياسات الحكومة الاقتصادية.", ["أوزغور أوزيل"]),
        ("وحضر خوان كارلوس مارتينيز المباراة من المدرجات.", ["خوان كارلوس مارتينيز"]),
    ],
)
def test_a_foreign_given_name_and_its_surname(tag: Tagger, sentence: str, expected: list[str]) -> None:
    assert people(tag, sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # «س» and a present verb after a title or a given name is the future, not a name.
        "وقالت اللاعبة ستمثل بلادها في البطولة.",
        "وقال إن سامر سيعود إلى الفريق.",
    ],
)
def test_no_name_from_a_verb_in_the_future(tag: Tagger, sentence: str) -> None:
    assert people(tag, sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A title, then a known given name and two rare words.
        ("وأجرى الطبيب فرانشيسكو لوكا بيرتيني العملية بنجاح.", ["فرانشيسكو لوكا بيرتيني"]),
        # «في» + a known place is a title's modifier.
        ("وأوضح المدير الإقليمي للتعليم في سوسة سامي بن غربال أن الامتحانات تبدأ غداً.", ["سامي بن غربال"]),
        # «عميد» is a title (a dean, a mayor in Libya).
        ("واستقبل عميد كلية الطب هشام الورفلي الطلاب الجدد.", ["هشام الورفلي"]),
        # A nationality after a known given name is a family name.
        ("وأعلن جمال الحلبي عن افتتاح المعرض.", ["جمال الحلبي"]),
    ],
)
def test_a_person_after_a_title_or_a_given_name(tag: Tagger, sentence: str, expected: list[str]) -> None:
    assert people(tag, sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A given name, «بن», the father's name and the family name: four words.
        ("وقال وزير الاقتصاد سعيد بن حمود المعولي إن الخطة جاهزة.", ["سعيد بن حمود المعولي"]),
        ("واستقبل المحافظ نايف بن حمد السبيعي الوفد في مكتبه.", ["نايف بن حمد السبيعي"]),
        # A common definite noun after the father's name is the verb's object, not the family name.
        ("وسلم المدير كمال بن رجب الجوائز للفائزين.", ["كمال بن رجب"]),
    ],
)
def test_a_family_name_after_the_fathers_name(tag: Tagger, sentence: str, expected: list[str]) -> None:
    assert people(tag, sentence) == expected


def test_a_nationality_after_a_noun_names_nobody(tag: Tagger) -> None:
    assert people(tag, "وأكد الجيش السوري أن الطريق الدولي آمن.") == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A title's feminine the lexicon has rarer than the masculine: «المزارعة», «المفاوضة».
        ("وقالت المزارعة هدى قعدان إن المحصول تضرر.", ["هدى قعدان"]),
        # A title and «his»: «مهاجمه».
        ("وتقدم الفريق عن طريق مهاجمه كريم بن زيدان في الشوط الأول.", ["كريم بن زيدان"]),
        # «عن» and a known place after a title: whom a member speaks for.
        ("وطالبت النائبة عن صفاقس ليلى الحمروني بتسريع المشروع.", ["ليلى الحمروني"]),
        ("وقال المفاوض عن فيجي ساكي تويلا إن الوقت ينفد.", ["ساكي تويلا"]),
        # «عبد …» inside a name counts as one word: the family name after it is still the person's.
        ("وأكد النائب حسن عبد الرحيم المنياوي أن الجلسة تأجلت.", ["حسن عبد الرحيم المنياوي"]),
        # A given name and «عبد …» as the father's name.
        ("وشاركت ريم عبد الغفور في الندوة.", ["ريم عبد الغفور"]),
        # A speaker described after a comma by «وهو»/«وهي»: a kunya, a definite given name.
        ("وقال أبو خليل القطامي، وهو بائع خضار في السوق، إن الأسعار ارتفعت.", ["أبو خليل القطامي"]),
        ("وقال الحسين أمزيان، وهو راعٍ من القرية، إن المراعي جفت.", ["الحسين أمزيان"]),
        # «الله» is a family name's last word, also before a preposition.
        ("ويقول الحرفي سامي العبد الله من حلب إن الطلب تراجع.", ["سامي العبد الله"]),
        ("وسجل المهاجم عبد الكريم نصر الله هدف الفوز.", ["عبد الكريم نصر الله"]),
        # A given name, a father's name and a rare definite family name.
        ("وأوضح مدير الحسابات في الشركة، وقال نزار فاضل الجبوري إن الرواتب صرفت.", ["نزار فاضل الجبوري"]),
        # «العام» right after a title is part of it; an indefinite «طبيب» with its field.
        ("وقالت المديرة العامة للهيئة رنا الخطيب إن الخطة جاهزة.", ["رنا الخطيب"]),
        ("وأشار طبيب العيون مروان حجار إلى تزايد الإصابات.", ["مروان حجار"]),
        # Long modifiers of a title: a committee's name with its fields and its kind.
        ("وقال رئيس لجنة الزراعة والري والمياه النيابية ثامر الدليمي إن الموسم جيد.", ["ثامر الدليمي"]),
    ],
)
def test_more_people_from_their_context(tag: Tagger, sentence: str, expected: list[str]) -> None:
    assert people(tag, sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A common definite word after a two-word name is the verb's object, not a family name.
        ("وافتتح المهاجم البرتغالي نونو فيلوسو التسجيل في الدقيقة العاشرة.", ["نونو فيلوسو"]),
        # A feminine that is mostly a noun is no title: «المعارضة» is the opposition.
        ("وقالت المعارضة السورية إن المفاوضات متعثرة.", []),
        # A body described after «وهي» is no speaker: its words are common ones.
        ("وقالت الحكومة المحلية، وهي الجهة المسؤولة، إن الطرق ستفتح.", []),
        # Links are no given names: «بن عكنون» is a town, «أبي …» a river's name.
        ("وانتشرت الشرطة في أحياء بن عكنون والأبيار.", []),
        # A frequent definite word after a given name and its father's name is no family name.
        ("وقال نزار فاضل الأسبوع الماضي إن الرواتب صرفت.", ["نزار فاضل"]),
        # «ف» and a verb after a title and a known club is no name.
        ("أما مدرب الوحدة فاعترف بأن فريقه تعب.", []),
        # A future verb ends a name at any word.
        ("وقال المدرب رامي زعتر سيعود إلى التدريبات غداً.", ["رامي زعتر"]),
    ],
)
def test_traps_of_the_person_rules(tag: Tagger, sentence: str, expected: list[str]) -> None:
    assert people(tag, sentence) == expected
