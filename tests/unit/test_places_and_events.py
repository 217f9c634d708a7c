"""Places and events (MISC) nobody listed: neighbourhoods, streets and squares, facilities named by a person, cities
outside the region, wars, elections, treaties and meetings (sentences written for these tests)."""

from __future__ import annotations

import pytest
from tagging_support import entities, names_of

from marsad.workers.pipeline import Tagger

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # An Omani wilaya, a Levantine quarter: the trigger is part of the mention, not of the name.
        ("افتتحت الوزارة مدرسة جديدة في ولاية صحم هذا الأسبوع.", ("ولاية صحم", "LOC", "صحم")),
        ("تسكن العائلة في حارة الجورة منذ عقود.", ("حارة الجورة", "LOC", "الجورة")),
        # A mountain, a street, a square: their word is part of the name («جبل عمان» is not Amman).
        ("افتتح مقهى جديد في جبل الجوفة قرب الدرج القديم.", ("جبل الجوفة", "LOC", "جبل الجوفة")),
        ("أغلقت البلدية شارع فلسطين أمام السيارات.", ("شارع فلسطين", "LOC", "شارع فلسطين")),
        ("تجمع المحتجون في ساحة المرجة وسط دمشق.", ("ساحة المرجة", "LOC", "ساحة المرجة")),
        ("جرفت السيول الطريق في وادي زقلاب أمس.", ("وادي زقلاب", "LOC", "وادي زقلاب")),
        # Facilities named by a title and a person, also with «بن» and an agreeing adjective.
        ("نقل المصاب إلى مستشفى الملك حسين لتلقي العلاج.", ("مستشفى الملك حسين", "LOC", "مستشفى الملك حسين")),
        (
            "أقيمت المباراة على ملعب الأمير فيصل بن فهد مساء الخميس.",
            ("ملعب الأمير فيصل بن فهد", "LOC", "ملعب الأمير فيصل بن فهد"),
        ),
        (
            "هبطت الطائرة في مطار الملكة علياء الدولي فجراً.",
            ("مطار الملكة علياء الدولي", "LOC", "مطار الملكة علياء الدولي"),
        ),
        # An Iraqi quarter, an Egyptian hamlet, an island (the trigger is no part of the name), a river (it is).
        ("اندلع حريق في محلة البتاويين وسط بغداد.", ("محلة البتاويين", "LOC", "البتاويين")),
        ("قتل شخصان في عزبة الهجانة شرق القاهرة.", ("عزبة الهجانة", "LOC", "الهجانة")),
        ("وصل الصيادون إلى جزيرة تيران فجراً.", ("جزيرة تيران", "LOC", "تيران")),
        ("جفّ نهر الخابور في الصيف الماضي.", ("نهر الخابور", "LOC", "نهر الخابور")),
        # Amman's downtown.
        ("تجول السياح في وسط البلد مساء الجمعة.", ("وسط البلد", "LOC", "وسط البلد")),
        # Cities outside the Middle East (GeoNames through scripts/generate-data): a capital, a city of a million.
        ("وصل الوفد الدنماركي إلى نوك صباح الاثنين.", ("نوك", "LOC", "نوك")),
        ("غمرت الفيضانات أحياء في مايدوغوري شمال شرقي البلاد.", ("مايدوغوري", "LOC", "مايدوغوري")),
    ],
)
def test_places_found(tag: Tagger, sentence: str, expected: tuple[str, str, str]) -> None:
    assert expected in entities(tag, sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "عاد الجنود من ساحة المعركة منهكين.",  # a battlefield
        "تحولت الأرض الخالية إلى جبل من النفايات.",  # a heap
        "اجتاحت السيول منطقة واسعة من الريف.",  # an agreeing adjective
        "بدأت ولاية الرئيس الثانية في يناير.",  # a term of office, and a title after it
        "تعهد خلال ولاية ترامب الثانية بخفض الضرائب.",  # a term named by a person
        "أغلقت الشرطة شارعاً رئيسياً في المدينة.",  # an indefinite adjective
        "بنت الشركة جزيرة اصطناعية قبالة الساحل.",  # an agreeing adjective
        "اشترى الرجل محله الجديد أمس.",  # his shop
        "وقال سالم إن المحصول تضرر كثيراً.",  # a man, not the city of Salem
        "وكانو قد وصلوا قبل يومين.",  # «وكانوا» typed without its alef, not the city of Kano
    ],
)
def test_no_place_where_the_words_name_none(tag: Tagger, sentence: str) -> None:
    assert [e for e in entities(tag, sentence) if e[1] == "LOC"] == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Wars and uprisings named by a month, a year or their kind.
        ("استذكر الكاتب حرب أكتوبر في مقاله الأسبوعي.", ("حرب أكتوبر", "MISC", "حرب أكتوبر")),
        ("تعود جذور الخلاف إلى حرب 1967 وما تلاها.", ("حرب 1967", "MISC", "حرب 1967")),
        ("انطلقت ثورة يناير من القاهرة.", ("ثورة يناير", "MISC", "ثورة يناير")),
        ("اندلعت الحرب الأهلية اللبنانية عام 1975.", ("الحرب الأهلية اللبنانية", "MISC", "الحرب الأهلية اللبنانية")),
        ("انتهت الحرب العالمية الثانية عام 1945.", ("الحرب العالمية الثانية", "MISC", "الحرب العالمية الثانية")),
        # Elections by their year.
        ("يستعد الحزب لخوض انتخابات 2026 بقوائم جديدة.", ("انتخابات 2026", "MISC", "انتخابات 2026")),
        (
            "جرت الانتخابات البرلمانية 2022 وسط إقبال ضعيف.",
            ("الانتخابات البرلمانية 2022", "MISC", "الانتخابات البرلمانية 2022"),
        ),
        # Laws by a verbal noun and its object.
        ("أقر البرلمان قانون حماية المستهلك بعد نقاش طويل.", ("قانون حماية المستهلك", "MISC", "قانون حماية المستهلك")),
        (
            "ناقش النواب قانون تنظيم الإعلام المرئي.",
            ("قانون تنظيم الإعلام المرئي", "MISC", "قانون تنظيم الإعلام المرئي"),
        ),
        # A summit by who meets, an exhibition by its year, a race by its city.
        ("تستضيف المنامة القمة العربية الشهر المقبل.", ("القمة العربية", "MISC", "القمة العربية")),
        ("تستعد الرياض لاستضافة إكسبو 2030.", ("إكسبو 2030", "MISC", "إكسبو 2030")),
        ("شارك ألف عداء في ماراثون بيروت الدولي.", ("ماراثون بيروت الدولي", "MISC", "ماراثون بيروت الدولي")),
        # Elections by their country; cups by a title and a person, championships of the world.
        (
            "جرت الانتخابات البرلمانية العراقية في موعدها.",
            ("الانتخابات البرلمانية العراقية", "MISC", "الانتخابات البرلمانية العراقية"),
        ),
        ("توج الفريق بكأس السلطان قابوس للمرة الثالثة.", ("كأس السلطان قابوس", "MISC", "كأس السلطان قابوس")),
        (
            "فاز العداء في بطولة العالم لألعاب القوى.",
            ("بطولة العالم لألعاب القوى", "MISC", "بطولة العالم لألعاب القوى"),
        ),
        # A treaty by a place's name.
        ("وقّعت الدول معاهدة فرساي بعد عام من الهدنة.", ("معاهدة فرساي", "MISC", "معاهدة فرساي")),
        # Meetings by a proper name, or by their subject and year.
        ("شارك الوزير في منتدى دافوس الاقتصادي.", ("منتدى دافوس الاقتصادي", "MISC", "منتدى دافوس الاقتصادي")),
        ("يشارك الخبراء في مؤتمر الأطراف 2025 الشهر المقبل.", ("مؤتمر الأطراف 2025", "MISC", "مؤتمر الأطراف 2025")),
        ("افتتح معرض الكتاب 2025 أبوابه للزوار.", ("معرض الكتاب 2025", "MISC", "معرض الكتاب 2025")),
    ],
)
def test_events_found(tag: Tagger, sentence: str, expected: tuple[str, str, str]) -> None:
    assert expected in entities(tag, sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "انتهت الحرب الأهلية بعد سنوات طويلة.",  # a war, not named
        "تأجلت الانتخابات المقبلة إلى الربيع.",  # elections, not named
        "أعدت الحكومة خطة طوارئ لمواجهة السيول.",  # a plan, not named
        "نال اللاعب جائزة أفضل لاعب في الموسم.",  # a prize, not named
        "عقد الوزير مؤتمر صحفي أمس.",  # a press conference
        "قال في معرض حديثه إن الأزمة طويلة.",  # «in the course of»
        "شهدت البلاد ثورة تكنولوجية كبيرة.",  # an agreeing adjective
        "أعلن الرئيس حرباً على الفساد.",  # a war on something
        "أعلنت الوزارة خطة لتوسعة الطريق الدولي.",  # a plan for something
        "أطلقت الحكومة خطة سلطنة عمان للتنويع الاقتصادي.",  # a country's plan
        "اتفق القادة في القمة الثلاثية على التعاون.",  # a summit of three, not named
        "وصل المتسلق إلى القمة بعد جهد كبير.",  # a peak
        "ينص قانون موازنة الدفاع على ذلك.",  # a noun and its owner: what the law is about
        "تأجلت الانتخابات البلدية مرة أخرى.",  # elections of no country or year
        "عاش البلد سنوات حرب ودمار.",  # «و» + a noun, no name
        "يدور الحديث عن قمة مرتقب عقدها الشهر المقبل.",  # an adjective (it takes the article), no name
    ],
)
def test_no_event_where_the_words_name_none(tag: Tagger, sentence: str) -> None:
    assert [e for e in entities(tag, sentence) if e[1] == "MISC"] == []


def test_a_place_found_after_its_trigger_is_found_again_by_its_name(tag: Tagger) -> None:
    found = entities(tag, "افتتح الوزير مدرسة في ولاية صحم. وقال أهالي صحم إن المدرسة تأخرت.")
    assert [e for e in found if e[1] == "LOC"] == [("ولاية صحم", "LOC", "صحم"), ("صحم", "LOC", "صحم")]


def test_an_adjective_spelled_like_a_place_found_so_is_no_place(tag: Tagger) -> None:
    # «الجبلية» names a village after «قرية»; after a definite noun it is the adjective «mountainous».
    found = entities(tag, "وصلت المساعدات إلى قرية الجبلية أمس. وقال إن الطريق إلى المنطقة الجبلية وعرة.")
    assert [e for e in found if e[1] == "LOC"] == [("قرية الجبلية", "LOC", "الجبلية")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A law named by its adjective «العام»; the oil price benchmarks.
        ("صادق المجلس على قانون العفو العام بالإجماع.", ("قانون العفو العام", "MISC", "قانون العفو العام")),
        ("ارتفع سعر مزيج برنت في التداولات المبكرة.", ("مزيج برنت", "MISC", "خام برنت")),
        ("تراجع خام غرب تكساس الوسيط دولاراً.", ("خام غرب تكساس الوسيط", "MISC", "خام غرب تكساس الوسيط")),
        # A league by a nationality whose country's name begins with the article's letters («ألمانيا»).
        ("تصدر الفريق الدوري الألماني بفارق نقطتين.", ("الدوري الألماني", "MISC", "الدوري الألماني")),
    ],
)
def test_laws_by_their_adjective_and_the_oil_benchmarks(
    tag: Tagger, sentence: str, expected: tuple[str, str, str]
) -> None:
    assert expected in entities(tag, sentence)


def test_the_year_after_a_law_is_no_part_of_its_name(tag: Tagger) -> None:
    found = entities(tag, "أقر البرلمان قانون الموازنة العام الماضي بعد نقاش طويل.")
    assert [e for e in found if e[1] == "MISC"] == [("قانون الموازنة", "MISC", "قانون الموازنة")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Markets, parks, power plants, reservoirs and minarets keep their word in the name.
        ("ارتفعت أسعار الذهب في سوق الحميدية صباح اليوم.", [("سوق الحميدية", "سوق الحميدية")]),
        ("افتتحت البلدية حديقة المنشية بعد ترميمها.", [("حديقة المنشية", "حديقة المنشية")]),
        ("توقف معمل الجية عن الإنتاج بسبب نقص الوقود.", [("معمل الجية", "معمل الجية")]),
        ("ارتفع منسوب المياه في خزان قرقاش هذا الشهر.", [("خزان قرقاش", "خزان قرقاش")]),
        ("رممت الأوقاف منارة قايتباي القديمة.", [("منارة قايتباي", "منارة قايتباي")]),
        # A province and a river's basin: the word is no part of the name; «أبي …» starts a compound name.
        ("تضررت المحاصيل في إقليم أزغار بعد العاصفة.", [("إقليم أزغار", "أزغار")]),
        (
            "تنقل القناة المياه من حوض ملوية إلى حوض أبي الجعد.",
            [("حوض ملوية", "ملوية"), ("حوض أبي الجعد", "أبي الجعد")],
        ),
        # A two-letter settlement word after «ب».
        ("افتتح متجر جديد بحي القيمرية الأسبوع الماضي.", [("حي القيمرية", "القيمرية")]),
    ],
)
def test_facilities_basins_and_provinces(tag: Tagger, sentence: str, expected: list[tuple[str, str]]) -> None:
    assert names_of(tag, sentence, "LOC") == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # A common noun after the new triggers: the labour market, a zoo, a swimming pool.
        "تحسنت سوق العمل في الربع الأخير.",
        "زار الأطفال حديقة الحيوان يوم الجمعة.",
        # A facility and ل + a noun: what it is for.
        "أعلنت الحكومة إنشاء محطة لتوليد الكهرباء قرب الساحل.",
        "بدأ العمل في خزان لتجميع مياه الأمطار.",
        # «وحي» is a revelation, not «و» + «حي».
        "ووحي القصيدة جاء من البحر القريب.",
    ],
)
def test_no_place_from_a_common_noun_after_a_trigger(tag: Tagger, sentence: str) -> None:
    assert names_of(tag, sentence, "LOC") == []
