"""Organisations a news desk sees every week: local government, administrations, parliaments, local branches, and the
clubs of the Arab leagues (sentences written for these tests)."""

from __future__ import annotations

import pytest
from tagging_support import entities, names_of

from marsad.workers.pipeline import Tagger

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Local government before a place: part of the body's name.
        ("أعلنت أمانة بغداد إغلاق الشارع مؤقتاً.", ("أمانة بغداد", "ORG", "أمانة بغداد")),
        ("أعلنت بلدية صيدا إغلاق الطريق البحري.", ("بلدية صيدا", "ORG", "بلدية صيدا")),
        ("ارتفعت بورصة البحرين في ختام التداولات.", ("بورصة البحرين", "ORG", "بورصة البحرين")),
        # Divisions and leagues named by their definite words.
        (
            "قالت شعبة المواد الغذائية إن الأسعار ارتفعت.",
            ("شعبة المواد الغذائية", "ORG", "شعبة المواد الغذائية"),
        ),
        (
            "أعلنت رابطة المصارف الخاصة أن الموسم سيبدأ.",
            ("رابطة المصارف الخاصة", "ORG", "رابطة المصارف الخاصة"),
        ),
        # Heads that are mostly common nouns, with an administration's field or a relation adjective.
        ("أطلقت إدارة خفر الحدود عملية بحث.", ("إدارة خفر الحدود", "ORG", "إدارة خفر الحدود")),
        ("حذرت مصلحة الضرائب من التأخير في السداد.", ("مصلحة الضرائب", "ORG", "مصلحة الضرائب")),
        ("رصدت دائرة الرقابة الصحية حالات جديدة.", ("دائرة الرقابة الصحية", "ORG", "دائرة الرقابة الصحية")),
        ("أعلنت دائرة الأراضي والمساحة عن مزاد.", ("دائرة الأراضي والمساحة", "ORG", "دائرة الأراضي والمساحة")),
        (
            "دعا مكتب الأمم المتحدة لتنسيق الشؤون الإنسانية إلى التهدئة.",
            (
                "مكتب الأمم المتحدة لتنسيق الشؤون الإنسانية",
                "ORG",
                "مكتب الأمم المتحدة لتنسيق الشؤون الإنسانية",
            ),
        ),
        # A definite head, an adjective and a field; a parliament by its nationality.
        (
            "نشر الجهاز المركزي للتعبئة العامة والإحصاء أرقامه.",
            (
                "الجهاز المركزي للتعبئة العامة والإحصاء",
                "ORG",
                "الجهاز المركزي للتعبئة العامة والإحصاء",
            ),
        ),
        ("صوت البرلمان الفنلندي على القانون.", ("البرلمان الفنلندي", "ORG", "البرلمان الفنلندي")),
        # A local branch keeps its place.
        (
            "رفعت مديرية الخدمات الفنية في طرطوس حصة الري.",
            ("مديرية الخدمات الفنية في طرطوس", "ORG", "مديرية الخدمات الفنية في طرطوس"),
        ),
        # A title's feminine before a definite word is a verbal noun in the name, not a person's title.
        (
            "تعقد لجنة المراقبة الخماسية اجتماعها الأسبوع المقبل.",
            ("لجنة المراقبة الخماسية", "ORG", "لجنة المراقبة الخماسية"),
        ),
        # A club found by its head is named without it.
        ("تعاقد نادي الشعلة مع مدرب جديد.", ("نادي الشعلة", "ORG", "الشعلة")),
    ],
)
def test_organisations(tag: Tagger, sentence: str, expected: tuple[str, str, str]) -> None:
    assert expected in entities(tag, sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        # The same heads as common nouns: honesty, municipal, a circle, an interest, a centre, managing, an office.
        "أكد أنه أدى عمله بأمانة كاملة.",
        "جرت انتخابات بلدية جديدة في البلاد.",
        "عاد الملف إلى دائرة الضوء من جديد.",
        "هذا القرار في مصلحة الشعب الفلسطيني.",
        "يصب الاتفاق في مصلحة الاقتصاد الوطني.",
        "يقع مركز المدينة قرب النهر.",
        "تناول الاجتماع إدارة الملف النووي الإيراني.",
        "دار الحديث حول الأسعار.",
        "قال مصدر في مكتب دمشق للشركة إن العمل مستمر.",
        "ناقش البرلمان الجديد الموازنة.",
    ],
)
def test_a_head_used_as_a_common_noun_names_no_body(tag: Tagger, sentence: str) -> None:
    assert [found for found in entities(tag, sentence) if found[1] == "ORG"] == []


def test_an_administration_of_a_known_person_is_the_person(tag: Tagger) -> None:
    found = entities(tag, "وقالت إدارة ترامب إنها سترد على القرار.")
    assert [kind for _, kind, _ in found] == ["PER"]


def test_a_national_body_in_a_place_is_not_a_branch(tag: Tagger) -> None:
    found = entities(tag, "اجتمع الوفد مع وزارة الخارجية الروسية في موسكو.")
    assert ("وزارة الخارجية الروسية", "ORG", "وزارة الخارجية الروسية") in found
    assert ("موسكو", "LOC", "موسكو") in found
    found = entities(tag, "نسقت البلدية مع المديرية العامة للنقل البري في بيروت.")
    assert ("المديرية العامة للنقل البري", "ORG", "المديرية العامة للنقل البري") in found
    assert ("بيروت", "LOC", "بيروت") in found


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("فاز الجونة على فاركو بهدفين في الدوري المصري.", [("الجونة", "ORG", "الجونة"), ("فاركو", "ORG", "فاركو")]),
        (
            "تعادل حسنية أكادير مع اتحاد طنجة في مباراة مثيرة.",
            [("حسنية أكادير", "ORG", "حسنية أكادير"), ("اتحاد طنجة", "ORG", "اتحاد طنجة")],
        ),
        (
            "استقبل الطائي ضيفه الفيحاء في الجولة الخامسة من الدوري.",
            [("الطائي", "ORG", "الطائي"), ("الفيحاء", "ORG", "الفيحاء")],
        ),
        # A club no word but its name needs: the club wherever it stands alone.
        ("وأكد الزمالك في بيان رسمي تمسكه بحقوقه.", [("الزمالك", "ORG", "الزمالك")]),
        (
            "تغلب بيراميدز على المصري البورسعيدي بهدف نظيف.",
            [("بيراميدز", "ORG", "بيراميدز"), ("المصري البورسعيدي", "ORG", "المصري البورسعيدي")],
        ),
        # A club named by a word news use every day is named with its head.
        ("فاز نادي التعاون على ضيفه في الدوري.", [("نادي التعاون", "ORG", "نادي التعاون")]),
        (
            "فاز الوداد البيضاوي على الرجاء في الديربي.",
            [("الوداد البيضاوي", "ORG", "الوداد"), ("الرجاء", "ORG", "الرجاء")],
        ),
    ],
)
def test_arab_clubs(tag: Tagger, sentence: str, expected: list[tuple[str, str, str]]) -> None:
    assert [found for found in entities(tag, sentence) if found[1] == "ORG"] == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # A club named by a common word or a city, without a sports word: the word or the city.
        "أكد الوزير أهمية التعاون بين البلدين في مجال الطاقة.",
        "زار الوزير مدينة أبها لافتتاح المستشفى الجديد.",
        # A club named by an institution: only near or after its full name, even beside a sports word.
        "انتشر الجيش حول الملعب قبل المباراة.",
    ],
)
def test_a_club_name_elsewhere_is_no_club(tag: Tagger, sentence: str) -> None:
    assert [found for found in entities(tag, sentence) if found[1] == "ORG"] == []


def test_the_district_a_club_is_named_after_is_a_place(tag: Tagger) -> None:
    assert ("حي الزمالك", "LOC", "حي الزمالك") in entities(tag, "يسكن السفير في حي الزمالك بالقاهرة.")


def test_a_club_named_by_a_common_word_keeps_its_head(tag: Tagger) -> None:
    found = entities(tag, "فاز نادي الزوراء على نادي الكهرباء، وتقدم الزوراء إلى المركز الثاني.")
    assert [(text, canonical) for text, kind, canonical in found if kind == "ORG"] == [
        ("نادي الزوراء", "الزوراء"),
        ("نادي الكهرباء", "نادي الكهرباء"),
        ("الزوراء", "الزوراء"),
    ]
    found = entities(tag, "تغلب نادي الشرطة على ضيفه، وتقدم الشرطة إلى المركز الثاني.")
    assert [(text, canonical) for text, kind, canonical in found if kind == "ORG"] == [
        ("نادي الشرطة", "نادي الشرطة"),
        ("الشرطة", "نادي الشرطة"),
    ]


def test_a_title_after_a_body_still_starts_a_person(tag: Tagger) -> None:
    found = entities(tag, "هنأ مجلس الأمناء المديرة سلمى حداد على تعيينها.")
    assert ("سلمى حداد", "PER", "سلمى حداد") in found


def test_a_company_found_by_its_head_is_found_again_by_its_name(tag: Tagger) -> None:
    found = entities(tag, "وقعت شركة هيدرال عقداً جديداً، وقالت هيدرال إن العمل سيبدأ قريباً.")
    assert [(text, canonical) for text, kind, canonical in found if kind == "ORG"] == [
        ("شركة هيدرال", "شركة هيدرال"),
        ("هيدرال", "شركة هيدرال"),
    ]
    found = entities(tag, "وقعت مجموعة إيني اتفاقاً مع الحكومة، وأكدت إيني أن الإنتاج سيبدأ.")
    assert [(text, canonical) for text, kind, canonical in found if kind == "ORG"] == [
        ("مجموعة إيني", "إيني"),
        ("إيني", "إيني"),
    ]


def test_a_company_named_by_a_common_word_or_a_place_is_not_found_by_that_word(tag: Tagger) -> None:
    found = entities(tag, "نفذت شركة الفرات للإنشاءات المشروع على ضفاف الفرات.")
    assert ("الفرات", "ORG", "شركة الفرات للإنشاءات") not in found


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A verbal noun and its definite object name a body after an indefinite head.
        ("أطلقت هيئة تشجيع الاستثمار حملة جديدة.", "هيئة تشجيع الاستثمار"),
        ("وزعت جمعية رعاية الأيتام الهدايا على الأطفال.", "جمعية رعاية الأيتام"),
        ("أحالت هيئة مكافحة الفساد الملف إلى القضاء.", "هيئة مكافحة الفساد"),
        # «العام» after a body's definite word is its adjective, not «the year».
        ("أوقفت مديرية الأمن العام مهرباً على الحدود.", "مديرية الأمن العام"),
        ("أعلن الاتحاد العام الجزائري للعمال إضراباً شاملاً.", "الاتحاد العام الجزائري للعمال"),
        # After a relation adjective a definite noun is no part of the name; a purpose is no field.
        ("ناقش البرلمان النرويجي الميزانية الجديدة.", "البرلمان النرويجي"),
        ("دعا المصرف المركزي الليبي لتوحيد سعر الصرف.", "المصرف المركزي الليبي"),
        # A definite plural after a body's definite word is the verb's object.
        ("حذرت وزارة الصحة المسافرين من السفر.", "وزارة الصحة"),
        ("طالبت نقابة المحامين بالإفراج عنه.", "نقابة المحامين"),
        # A court's «لل…» word is what it was asked for.
        ("لجأ المحامون إلى المحكمة الإدارية العليا للطعن في القرار.", "المحكمة الإدارية العليا"),
        # Armies and police forces by their nationality or place; a university by its adjective.
        ("قالت الشرطة الأردنية إنها أوقفت المشتبه به.", "الشرطة الأردنية"),
        ("أعلنت شرطة دبي ضبط شحنة مخدرات.", "شرطة دبي"),
        ("استقبلت الجامعة المستنصرية الطلاب الجدد.", "الجامعة المستنصرية"),
        # A known body inside a name of two coordinated fields is part of that name.
        ("قالت مديرية الدفاع المدني والإنقاذ إن الحريق أخمد.", "مديرية الدفاع المدني والإنقاذ"),
        # «الإدارة العامة» and a field; «لشؤون», a field the lexicon has as a word of its own.
        ("أصدرت الإدارة العامة لشؤون الجنسية تعليمات جديدة.", "الإدارة العامة لشؤون الجنسية"),
        # A construct joined to the definite words by «و»; a committee of the chamber; an institute by its adjective.
        ("أطلقت وزارة الاتصالات وتقنية المعلومات منصة جديدة.", "وزارة الاتصالات وتقنية المعلومات"),
        ("ناقشت لجنة الخدمات والإعمار النيابية المشروع.", "لجنة الخدمات والإعمار النيابية"),
        ("نشر المعهد الفرنسي للشرق الأدنى دراسة.", "المعهد الفرنسي للشرق الأدنى"),
        # A field and the active participle that describes it.
        ("أعلنت المؤسسة العامة للمياه الصالحة للشرب خطة.", "المؤسسة العامة للمياه الصالحة للشرب"),
    ],
)
def test_bodies_named_by_their_construct_and_adjectives(tag: Tagger, sentence: str, expected: str) -> None:
    assert expected in [text for text, _ in names_of(tag, sentence, "ORG")]


@pytest.mark.parametrize(
    "sentence",
    [
        "قال إن المصرف المركزي يملك احتياطياً كافياً.",  # the country's central bank, named by its kind
        "وقال الأمين العام للمنظمة الدولية إن الهدنة صامدة.",  # the United Nations, named by its kind
        "سجلت الأسواق حركة أسرع هذا الأسبوع.",  # an elative describes the noun
        "أعلنت الوزارة إنشاء مركز لتدريب المعلمين.",  # an indefinite centre and what it is for
        "شكلت الحكومة لجنة تحقيق في الحادث.",  # a verbal noun with no definite object
        "وقال رئيس مجلس إدارة الشركة إن الأرباح زادت.",  # a board, no body's name
        "اجتمعت اللجنة الحكومية أمس لبحث الأسعار.",  # whose committee, not which
        "قال الجيش النظامي إنه تقدم في الريف.",  # an army by no nationality
        "حررت شرطة المرور مخالفات كثيرة.",  # police by their function
        "حاصرت قوات النظام المدينة.",  # a head that is a common noun, before a definite word
        "عقد الاتحاد العام المقبل مؤتمره.",  # «العام» is the year
    ],
)
def test_no_body_where_the_words_name_none(tag: Tagger, sentence: str) -> None:
    assert names_of(tag, sentence, "ORG") == []


def test_the_year_after_a_body_is_no_part_of_its_name(tag: Tagger) -> None:
    assert names_of(tag, "أعلنت وزارة الصحة العام الماضي خطة للطوارئ.", "ORG") == [("وزارة الصحة", "وزارة الصحة")]


def test_civil_defence_is_a_body_and_a_gulf_club_is_found_by_its_name_in_a_match_report(tag: Tagger) -> None:
    assert names_of(tag, "انتشلت فرق الدفاع المدني ثلاثة مصابين.", "ORG") == [("الدفاع المدني", "الدفاع المدني")]
    assert names_of(tag, "فاز نادي الخليج على ضيفه، وتقدم الخليج إلى المركز الرابع في الدوري.", "ORG") == [
        ("نادي الخليج", "نادي الخليج"),
        ("الخليج", "نادي الخليج"),
    ]
    # Without a sports word the Gulf is no club.
    assert names_of(tag, "وصلت الأمطار إلى دول الخليج أمس.", "ORG") == []


def test_an_organisation_named_by_a_foreign_name_is_called_by_it(tag: Tagger) -> None:
    assert names_of(tag, "بالشراكة مع منظمة أوكسفام الدولية، وزعت المساعدات.", "ORG") == [("منظمة أوكسفام", "أوكسفام")]
    # An organisation named by Arabic words keeps its head and «الدولية».
    assert names_of(tag, "وقالت منظمة الإغاثة الدولية إن القوافل وصلت.", "ORG") == [
        ("منظمة الإغاثة الدولية", "منظمة الإغاثة الدولية")
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A construct whose owner is a title is not part of the name.
        ("وأقرّ مجلس النواب وتصديق الرئيس عليه القانون.", [("مجلس النواب", "مجلس النواب")]),
        # «و» and a head start a second body.
        (
            "وعارض نواب حزب الاستقلال وحزب التقدم، بينما أيده المستقلون.",
            [("حزب الاستقلال", "حزب الاستقلال"), ("حزب التقدم", "حزب التقدم")],
        ),
        # A title's rare feminine right after the head is the body's field («الفلاحة», farming), not a person.
        ("تتوقع وزارة الفلاحة صابة زيتون قياسية هذا العام.", [("وزارة الفلاحة", "وزارة الفلاحة")]),
    ],
)
def test_where_a_body_s_name_ends(tag: Tagger, sentence: str, expected: list[tuple[str, str]]) -> None:
    assert names_of(tag, sentence, "ORG") == expected
    assert names_of(tag, sentence, "PER") == []


def test_a_body_named_by_a_title_and_a_person_is_one_body(tag: Tagger) -> None:
    found = entities(tag, "وتدير المحمية مؤسسة الأميرة سلمى بالشراكة مع جمعية محلية.")
    assert found == [("مؤسسة الأميرة سلمى", "ORG", "مؤسسة الأميرة سلمى")]
