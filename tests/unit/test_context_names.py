"""Names nobody listed, recognised from their context (sentences written for these tests)."""

from __future__ import annotations

import pytest
from tagging_support import entities

from marsad.workers.pipeline import Tagger

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("وقال المدرب يوسف قاسمي إن فريقه جاهز للمباراة.", ("يوسف قاسمي", "PER", "يوسف قاسمي")),
        ("وصل الوزير اللبناني سامر حداد إلى المطار.", ("سامر حداد", "PER", "سامر حداد")),
        ("صرّح المتحدث باسم الخارجية زياد نصار بأن الوفد وصل.", ("زياد نصار", "PER", "زياد نصار")),
        ("أعلنت وزارة الصحة العراقية حملة تلقيح.", ("وزارة الصحة العراقية", "ORG", "وزارة الصحة العراقية")),
        # The place inside a name is spelled as the gazetteer spells it in the canonical name.
        ("رفع مصرف سورية المركزي سعر الفائدة.", ("مصرف سورية المركزي", "ORG", "مصرف سوريا المركزي")),
        ("خسر منتخب سورية مباراته الودية.", ("منتخب سورية", "ORG", "منتخب سوريا")),
        # Facilities are places: hospitals, houses of worship, fields, lakes; a compound name after them.
        ("نقل الجرحى إلى مستشفى الرازي الجامعي مساء.", ("مستشفى الرازي الجامعي", "LOC", "مستشفى الرازي الجامعي")),
        ("رمم المهندسون كنيسة مار توما وجامع الخاصكي.", ("جامع الخاصكي", "LOC", "جامع الخاصكي")),
        ("بدأت الشركة الإنتاج من حقل الرميلة الجنوبي.", ("حقل الرميلة الجنوبي", "LOC", "حقل الرميلة الجنوبي")),
        ("انخفض منسوب بحيرة الحبانية هذا الصيف.", ("بحيرة الحبانية", "LOC", "بحيرة الحبانية")),
        ("رست ناقلة في ميناء أم قصر فجراً.", ("ميناء أم قصر", "LOC", "ميناء ام قصر")),
        ("افتتح الوزير ميناء الحمرية الكبير.", ("ميناء الحمرية الكبير", "LOC", "ميناء الحمرية الكبير")),
        # A definite head with «العليا», «العامة», «الوطنية», «المستقلة»; a «لل…» field ends at the verb's object or
        # at a purpose («للنظر فيها»).
        (
            "نشرت المفوضية العليا المستقلة للانتخابات القوائم.",
            ("المفوضية العليا المستقلة للانتخابات", "ORG", "المفوضية العليا المستقلة للانتخابات"),
        ),
        (
            "أحيلت الطعون إلى المحكمة الإدارية العليا للنظر فيها.",
            ("المحكمة الإدارية العليا", "ORG", "المحكمة الإدارية العليا"),
        ),
        # A title's modifiers: «و» + a noun of a definite word; a given name «عبد …» takes a third word.
        (
            "وقال وزير الزراعة وإصلاح الأراضي عبد الرحيم قنديل إن الموسم جيد.",
            ("عبد الرحيم قنديل", "PER", "عبد الرحيم قنديل"),
        ),
        # A title's modifier: a noun of a known place, then a second title.
        ("وقال مدير صحة البصرة الدكتور ناظم الكعبي إن الوضع مستقر.", ("ناظم الكعبي", "PER", "ناظم الكعبي")),
        # A known given name and a rare definite surname.
        ("وسجل سالم الغامدي هدفين في الشوط الثاني.", ("سالم الغامدي", "PER", "سالم الغامدي")),
        # A plan named by its year; a league named by a word and its country; a power plant.
        ("تسعى الحكومة إلى تحقيق أهداف رؤية 2035 الاقتصادية.", ("رؤية 2035", "MISC", "رؤية 2035")),
        ("تصدر الفريق دوري نجوم قطر هذا الموسم.", ("دوري نجوم قطر", "MISC", "دوري نجوم قطر")),
        ("تعرضت محطة تشرنوبل النووية لقصف.", ("محطة تشرنوبل النووية", "LOC", "محطة تشرنوبل النووية")),
        # A «لل…» field before a bare preposition stays part of the name.
        (
            "أحالت الهيئة ثلاثة موظفين في الشركة العامة للأسمدة إلى القضاء.",
            ("الشركة العامة للأسمدة", "ORG", "الشركة العامة للأسمدة"),
        ),
        # A known body after a head is the gazetteer's.
        ("أشادت منظمة اليونسكو بالترميم.", ("اليونسكو", "ORG", "اليونسكو")),
        # A team's nationality describes it: not part of its name.
        ("وقّع نادي الوحدة الإماراتي عقداً جديداً.", ("نادي الوحدة", "ORG", "الوحدة")),
        # A name continued with «و» + a definite word.
        (
            "أطلقت وزارة الزراعة والإصلاح الزراعي خطة.",
            ("وزارة الزراعة والإصلاح الزراعي", "ORG", "وزارة الزراعة والإصلاح الزراعي"),
        ),
        # A body named by its function and one word, told apart by its place.
        ("وزعت مديرية التربية في حماة الكتب.", ("مديرية التربية في حماة", "ORG", "مديرية التربية في حماة")),
        # A nationality ends a body's name.
        (
            "دعت وزارة الخارجية المصرية الأطراف إلى التهدئة.",
            ("وزارة الخارجية المصرية", "ORG", "وزارة الخارجية المصرية"),
        ),
        # A definite head before a relation adjective.
        ("قرر المصرف الزراعي السوري تأجيل القروض.", ("المصرف الزراعي السوري", "ORG", "المصرف الزراعي السوري")),
        (
            "أعلن الاتحاد التونسي لكرة اليد موعد البطولة.",
            ("الاتحاد التونسي لكرة اليد", "ORG", "الاتحاد التونسي لكرة اليد"),
        ),
        # A head, one common word and a known place.
        ("افتتحت غرفة زراعة حمص معرضاً.", ("غرفة زراعة حمص", "ORG", "غرفة زراعة حمص")),
        ("بنت شركة دايتو الكورية محطة.", ("شركة دايتو", "ORG", "شركة دايتو")),
        # A nationality before a foreign name, and more roles.
        ("وسجل الفرنسي أنطوان غريزمان هدفاً.", ("أنطوان غريزمان", "PER", "أنطوان غريزمان")),
        ("وقال صانع الألعاب رامي حداد إن الفوز مستحق.", ("رامي حداد", "PER", "رامي حداد")),
        ("وحذر خبير الطاقة سمير قصار من الأزمة.", ("سمير قصار", "PER", "سمير قصار")),
        ("وقال رئيس مجلس إدارة المصرف فادي عبود إن الأرباح زادت.", ("فادي عبود", "PER", "فادي عبود")),
        # Events: competitions and festivals.
        ("تأهل المنتخب إلى نهائيات كأس أفريقيا 2025 بعد فوزه.", ("كأس أفريقيا 2025", "MISC", "كأس أفريقيا 2025")),
        ("خسر الفريق في دوري أبطال أوروبا الأسبوع الماضي.", ("دوري أبطال أوروبا", "MISC", "دوري أبطال أوروبا")),
        ("يتصدر الفريق الدوري الإيطالي بفارق نقطتين.", ("الدوري الإيطالي", "MISC", "الدوري الإيطالي")),
        ("افتتحت مهرجانات جرش الدولية مساء أمس.", ("مهرجانات جرش الدولية", "MISC", "مهرجانات جرش الدولية")),
        ("تستضيف المدينة دورة الألعاب العربية المقبلة.", ("دورة الألعاب العربية", "MISC", "دورة الألعاب العربية")),
        # A generated place that is a common word is found after a place trigger.
        ("تضررت منازل في بلدة مساكن.", ("بلدة مساكن", "LOC", "مساكن")),
        # A compound place name after a trigger; a stadium by its own name.
        ("نزح السكان من قرية عين الخضرة إلى المدينة.", ("قرية عين الخضرة", "LOC", "عين الخضرة")),
        ("أقيمت المباراة على ملعب فيرنسايد أمس.", ("ملعب فيرنسايد", "LOC", "فيرنسايد")),
        # A facility keeps a relation adjective only.
        ("رست السفن في مرفأ جبيل القديم.", ("مرفأ جبيل", "LOC", "مرفأ جبيل")),
        (
            "قررت الهيئة العامة للطيران المدني إغلاق الأجواء.",
            ("الهيئة العامة للطيران المدني", "ORG", "الهيئة العامة للطيران المدني"),
        ),
        ("سقطت قذيفة على بلدة عيتا ليلاً.", ("بلدة عيتا", "LOC", "عيتا")),  # the trigger is not in the canonical
        ("هبطت الطائرة في مطار أربيل الدولي.", ("مطار أربيل الدولي", "LOC", "مطار أربيل الدولي")),
        ("دعا محافظ طرطوس نزار داود إلى الهدوء.", ("نزار داود", "PER", "نزار داود")),  # a known place between
        ("قال وزير الأشغال العامة والنقل نبيل خوري إن العمل بدأ.", ("نبيل خوري", "PER", "نبيل خوري")),
        ("وأوضح رئيس مجلس البلدية رامي عيسى أن الطريق فتح.", ("رامي عيسى", "PER", "رامي عيسى")),
        ("استقبل الأمير عبد العزيز بن فهد الوفد.", ("عبد العزيز بن فهد", "PER", "عبد العزيز بن فهد")),
    ],
)
def test_names_found_from_their_context(tag: Tagger, sentence: str, expected: tuple[str, str, str]) -> None:
    assert expected in entities(tag, sentence)


def test_a_person_found_by_title_is_found_again_by_surname(tag: Tagger) -> None:
    found = entities(tag, "قال المدرب يوسف قاسمي إن الفريق جاهز، وأضاف قاسمي أن الإصابات قليلة.")
    assert found == [("يوسف قاسمي", "PER", "يوسف قاسمي"), ("قاسمي", "PER", "يوسف قاسمي")]


@pytest.mark.parametrize(
    "sentence",
    [
        "قال الرئيس إن الحكومة ستعمل على الإصلاح.",  # a title with no name after it
        "زأر الأسد في الغابة ثم ذهب إلى قرية بعيدة.",  # «بعيدة» is an adjective, not a village
        "أعلنت وزارة في بيان أمس عن خطة.",  # a head with nothing that names it
        "تراجعت حركة الشحن في الميناء هذا الشهر.",  # «حركة» as traffic, not a movement
        "يأتي القرار في إطار خطة الحكومة لتأمين مساكن عالية الجودة.",  # common words, though places share them
        "وصل المتطوعون للجنة التحقيق أمس.",  # «للجنة» is ل + «اللجنة», not the head «لجنة»
        "رست السفينة في مرفأ المدينة صباحاً.",  # a frequent word that is no place's name
        "أظهر اللاعبون بطولة نادرة في الدفاع.",  # «بطولة» as heroism: nothing names an event
        "عاد اللاعب إلى الدوري المحلي بعد غياب.",  # a league with no nationality
        "أطلقت الحكومة اللبنانية مناقصة دولية جديدة.",  # a feminine nationality is an adjective
        "دعا الجانب الأمريكي وتشجيع الحوار.",  # a nationality, then no name
        "تحدث الباحث في حقل التعليم عن المناهج.",  # «حقل» as a domain: a frequent word is no field's name
        "وقعت البلدية عقداً مع شركة ملاحة إقليمية.",  # an indefinite noun and its adjective describe a company
        "أكد الطرفان حسن النية ونور الشمس يملأ المكان.",  # a given name before a frequent word is no name
        "وضع الكتاب علي الطاولة ثم خرج.",  # «علي» typed for «على» is no given name
        "عبر الوزير عن رؤية واضحة للإصلاح.",  # «رؤية» as a view: no year names it
        "تراجعت الإيرادات غير النفطية هذا العام.",  # «غير» is a given name too, but «النفطية» is no family name
        "تمثل الخطوة محطة مهمة في المسار.",  # «محطة» as a milestone
        "تشمل الخطة بناء محطة حاويات جديدة.",  # an indefinite plural is what a facility holds
    ],
)
def test_no_name_where_the_context_names_nothing(tag: Tagger, sentence: str) -> None:
    assert [e for e in entities(tag, sentence) if e[1] != "LOC" or e[0] != "الغابة"] == []


def test_and_does_not_join_two_known_bodies(tag: Tagger) -> None:
    found = entities(tag, "طالب الوفد مجلس الأمن والأمم المتحدة برفع العقوبات.")
    assert ("مجلس الأمن والأمم المتحدة", "ORG", "مجلس الأمن والأمم المتحدة") not in found
    assert {canonical for _, kind, canonical in found if kind == "ORG"} >= {"الأمم المتحدة"}


def test_a_club_found_by_its_head_is_found_again_by_its_name(tag: Tagger) -> None:
    found = entities(tag, "تغلب نادي الوحدة على نادي الجيش، ورفع الوحدة رصيده بينما تراجع الجيش إلى المركز الرابع.")
    assert ("الوحدة", "ORG", "الوحدة") in found
    assert ("الجيش", "ORG", "نادي الجيش") in found


def test_a_club_name_before_a_relation_adjective_is_another_body(tag: Tagger) -> None:
    found = entities(tag, "فاز نادي الاتحاد بالمباراة، ثم أصدر الاتحاد الآسيوي بياناً.")
    assert ("الاتحاد", "ORG", "نادي الاتحاد") not in found


def test_a_participle_after_a_name_describes_the_person(tag: Tagger) -> None:
    found = entities(tag, "وشارك الرباع يزن حداد الحائز على ذهبية آسيا.")
    assert ("يزن حداد", "PER", "يزن حداد") in found


def test_a_facility_keeps_only_an_adjective_that_agrees_with_it(tag: Tagger) -> None:
    # «السنوي» is masculine: it describes the festival, not the citadel.
    found = entities(tag, "بدأ مهرجان قلعة الحصن السنوي أمس.")
    assert ("قلعة الحصن", "LOC", "قلعة الحصن") in found
    assert not [e for e in found if "السنوي" in e[0] and e[1] == "LOC"]


def test_an_accusative_noun_is_not_the_place_it_spells(tag: Tagger) -> None:
    # «وفداً» is و + «وفد» with the accusative ending; «زواراً» are visitors: no place is named.
    assert entities(tag, "استقبل الوزير وفداً رسمياً واستقبلت المدينة زواراً كثيرين.") == []


def test_the_gazetteer_canonical_wins_inside_a_title_context(tag: Tagger) -> None:
    found = entities(tag, "استقبل الرئيس الروسي فلاديمير بوتين ضيفه.")
    assert found == [("فلاديمير بوتين", "PER", "فلاديمير بوتين")]
