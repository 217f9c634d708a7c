"""Entity tagging: variants share one canonical, clitics and diacritics don't hide names, offsets hold."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from marsad.workers.stages.entities import GazetteerEntry, GazetteerError, GazetteerTagger, load_gazetteer
from marsad.workers.stages.lexicon import frequencies
from marsad.workers.stages.normalize import NormalizedText, normalize
from marsad.workers.stages.variants import with_spellings

pytestmark = pytest.mark.unit

GAZETTEER = Path(__file__).resolve().parents[2] / "config" / "gazetteer"


@pytest.fixture(scope="module")
def tagger() -> GazetteerTagger:
    return GazetteerTagger.from_directory(GAZETTEER)


def tag(tagger: GazetteerTagger, body: str, title: str = "") -> list[tuple[str, str, str]]:
    entities = tagger.tag(NormalizedText.of(body), NormalizedText.of(title))
    for entity in entities:
        assert body[entity.start : entity.end] == entity.text
    return [(entity.text, entity.type, entity.canonical) for entity in entities]


def test_transliteration_variants_and_surname_share_a_canonical(tagger: GazetteerTagger) -> None:
    body = "التقى سيرغي لافروف نظيره، ثم صرّح سيرجي لافروف للصحفيين، وأضاف لافروف أن المحادثات مستمرة."
    canonicals = {canonical for _, kind, canonical in tag(tagger, body) if kind == "PER"}
    assert canonicals == {"سيرغي لافروف"}
    assert [text for text, _, _ in tag(tagger, body)].count("لافروف") == 1


def test_short_form_needs_a_full_form_before_it(tagger: GazetteerTagger) -> None:
    alone = "قال الشرع إن القانون يطبق على الجميع."
    assert all(canonical != "أحمد الشرع" for _, _, canonical in tag(tagger, alone))
    after = "وصل الرئيس أحمد الشرع إلى الرياض، وقال الشرع إن الزيارة ناجحة."
    assert ("الشرع", "PER", "أحمد الشرع") in tag(tagger, after)
    assert ("الشرع", "PER", "أحمد الشرع") in tag(tagger, alone, title="أحمد الشرع في جولة خليجية")


def test_lion_is_not_the_former_president(tagger: GazetteerTagger) -> None:
    assert tag(tagger, "هرب الأسد من حديقة الحيوان ليلاً.") == []
    tagged = tag(tagger, "غادر بشار الأسد البلاد، وقيل إن الأسد وصل إلى موسكو.")
    assert [canonical for text, _, canonical in tagged if text == "الأسد"] == ["بشار الأسد"]


@pytest.mark.parametrize(
    ("sentence", "surface", "canonical"),
    [
        ("وصل الوفد بدمشق مساء أمس.", "دمشق", "دمشق"),
        ("وبموسكو عقد اللقاء الثاني.", "موسكو", "موسكو"),
        ("أرسلت الحكومة رسالة للكرملين.", "لكرملين", "الكرملين"),
        ("عاد السفير إلى مُوسْكُو بعد المشاورات.", "مُوسْكُو", "موسكو"),
        ("وقالت وزارة الخارجية الروسية في بيان إن الوفد وصل.", "وزارة الخارجية الروسية", "وزارة الخارجية الروسية"),
        ("هبطت الطائرة في قاعدة حميميم.", "قاعدة حميميم", "قاعدة حميميم"),
    ],
)
def test_clitics_diacritics_and_longest_match(
    tagger: GazetteerTagger, sentence: str, surface: str, canonical: str
) -> None:
    assert any(text == surface and c == canonical for text, _, c in tag(tagger, sentence))


def test_names_inside_other_words_are_not_tagged(tagger: GazetteerTagger) -> None:
    # «مصر» (Egypt) inside «مصرف» (bank), «عمان» inside «عمانوئيل».
    assert tag(tagger, "افتتح المصرف فرعاً جديداً وحضر عمانوئيل الحفل.") == []


def test_a_form_owned_by_two_entities_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "entities:\n  - {canonical: حلب, type: LOC, aliases: [الشهباء]}\n"
        "  - {canonical: مدينة أخرى, type: LOC, aliases: [الشَّهباء]}\n",
        encoding="utf-8",
    )
    with pytest.raises(GazetteerError, match="belongs to both"):
        load_gazetteer(tmp_path)


names = st.sampled_from(["أحمد الشرع", "بشار الأسد", "موسكو", "طرطوس", "الكرملين", "سيرجي لافروف"])
glue = st.sampled_from(["", "و", "ب", "ل", "وب", "ال"])
marks = st.sampled_from(["", "\u064e", "\u0651", "\u0640"])
filler = st.sampled_from(["قال", "إن", "، ", " في ", "\n", " (", ") ", "«", "»", "اليوم"])


@given(st.lists(st.tuples(glue, names, marks, filler), max_size=12))
def test_offsets_always_slice_the_body(parts: list[tuple[str, str, str, str]]) -> None:
    tagger = GazetteerTagger([GazetteerEntry(canonical="بشار الأسد", type="PER", short=("الأسد",))])
    body = " ".join(prefix + name + mark + rest for prefix, name, mark, rest in parts)
    entities = tagger.tag(NormalizedText.of(body))
    assert all(body[e.start : e.end] == e.text for e in entities)
    assert all(a.end <= b.start for a, b in itertools.pairwise(entities))


def test_generated_places_hold_no_common_word_alone() -> None:
    """scripts/generate-data leaves out a one-word place name that is mostly a common word («إطار», «مساكن»): what
    it wrote must not hold one the lexicon counts as frequent."""
    known, canonicals = frequencies(), _generated_canonicals()
    generated = [e for e in load_gazetteer(GAZETTEER) if e.canonical in canonicals]
    one_word = [form for e in generated for form in (e.canonical, *e.aliases) if " " not in form]
    assert one_word
    assert [form for form in one_word if known.get(normalize(form), 0.0) >= 4.0] == []


def test_a_common_word_is_no_generated_place(tagger: GazetteerTagger) -> None:
    assert tag(tagger, "يأتي ذلك في إطار خطة لبناء مساكن عالية الجودة.") == []
    # Villages of GeoNames named by a word that is not rare: the word, not the village.
    assert tag(tagger, "غرّد بلبل على الشجرة، وقدمت الجدة الخبز مع دبس العنب.") == []


def _generated_canonicals() -> set[str]:
    loaded = yaml.safe_load((GAZETTEER / "generated-places.yaml").read_text(encoding="utf-8"))
    return {entry["canonical"] for entry in loaded["entities"]}


def test_a_persons_last_name_counts_after_the_full_name_unless_it_is_another_entitys() -> None:
    tagger = GazetteerTagger(
        [
            GazetteerEntry(canonical="ماهر القباني", type="PER"),
            GazetteerEntry(canonical="رامي حلب", type="PER"),
            GazetteerEntry(canonical="حلب", type="LOC"),
            GazetteerEntry(canonical="سامي داود", type="PER"),
            GazetteerEntry(canonical="نزار داود", type="PER"),
            GazetteerEntry(canonical="حسين سلامة", type="PER"),
        ],
        frequencies(),
    )
    assert tag(tagger, "قال القباني إن ماهر القباني وصل، وأضاف القباني أن الطريق مفتوح.") == [
        ("ماهر القباني", "PER", "ماهر القباني"),
        ("القباني", "PER", "ماهر القباني"),
    ]
    # «حلب» is a place's name, «داود» two people's, «سلامة» a common word (safety): none is a short form.
    found = tag(tagger, "وصل رامي حلب ثم عاد إلى حلب، والتقى سامي داود، وقال داود إن الأمر انتهى.")
    assert ("حلب", "LOC", "حلب") in found
    assert not [text for text, kind, _ in found if text == "داود"]
    found = tag(tagger, "زار حسين سلامة المصنع وتفقد إجراءات سلامة العمال.")
    assert [text for text, _, _ in found] == ["حسين سلامة"]


def test_an_accusative_noun_is_not_the_place_it_spells() -> None:
    # With its spellings «زوارة» is also «زوارا»: «زواراً» (visitors) spells it.
    tagger = GazetteerTagger(with_spellings([GazetteerEntry(canonical="زوارة", type="LOC")], frequencies()))
    assert tag(tagger, "استقبلت المدينة زوارا كثيرين.") == [("زوارا", "LOC", "زوارة")]
    assert tag(tagger, "استقبلت المدينة زواراً كثيرين.") == []
    assert tag(tagger, "وصل الوفد إلى زوارة أمس.") == [("زوارة", "LOC", "زوارة")]


def test_a_proclitic_does_not_make_a_place_of_a_common_word() -> None:
    # «وفدا» (a delegation) is a frequent word: not و + «فدا», a town; «ود مدني» is told by its second word.
    tagger = GazetteerTagger(
        [GazetteerEntry(canonical="فدا", type="LOC"), GazetteerEntry(canonical="ود مدني", type="LOC")], frequencies()
    )
    assert tag(tagger, "أرسلت الحكومة وفدا إلى العاصمة.") == []
    assert tag(tagger, "وصل الوزير إلى فدا ثم إلى بفدا.") == [("فدا", "LOC", "فدا"), ("فدا", "LOC", "فدا")]
    assert tag(tagger, "وعقد الاجتماع بود مدني أمس.") == [("ود مدني", "LOC", "ود مدني")]


# --- ambiguous forms: a club named by a common word or a city's name, only in a sports context ---------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A sports word near the name: the club.
        ("فاز الهلال على ضيفه بهدفين نظيفين في الدوري.", [("الهلال", "ORG", "الهلال")]),
        ("تعادل النصر مع منافسه في مباراة مثيرة.", [("النصر", "ORG", "النصر")]),
        (
            "خسر الزمالك أمام الأهلي في نهائي الكأس.",
            [("الزمالك", "ORG", "الزمالك"), ("الأهلي", "ORG", "النادي الأهلي")],
        ),
        # A time after the name does not end it; a name without the article may precede any definite word.
        ("تغلب الشباب الأحد على منافسه في الدوري.", [("الشباب", "ORG", "الشباب")]),
        ("ويحتل سيتي المركز الرابع في الدوري.", [("سيتي", "ORG", "مانشستر سيتي")]),
        ("يقود المدرب البرتغالي فريق النصر منذ الصيف.", [("النصر", "ORG", "النصر")]),
    ],
)
def test_an_ambiguous_club_name_is_the_club_in_a_sports_context(
    tagger: GazetteerTagger, sentence: str, expected: list[tuple[str, str, str]]
) -> None:
    assert [found for found in tag(tagger, sentence) if found[1] == "ORG"] == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "ترقب المسلمون رؤية هلال رمضان مساء الأحد.",
        "أكد الرئيس أن النصر على الإرهاب بات قريباً.",
        "الهدف هو النصر على الإرهاب مهما طال الزمن.",
        "يعاني الشباب من البطالة في المدن الكبرى.",
        "دعا البيان إلى الحفاظ على الوحدة الوطنية.",
        # A sports word near, yet the word is part of another phrase: an adjective, a competition's name, a title.
        "شارك اللاعبون الشباب في مباراة ودية.",
        "توج المنتخب بلقب كأس الخليج بعد مباراة صعبة.",
        "حضر ولي العهد المباراة النهائية.",
        # «الفريق» is also a general's rank: only «فريق» without the article is a sports word.
        "قال الفريق أول الركن إن النصر على الإرهاب قريب.",
    ],
)
def test_an_ambiguous_club_name_is_a_common_word_elsewhere(tagger: GazetteerTagger, sentence: str) -> None:
    assert [found for found in tag(tagger, sentence) if found[1] == "ORG"] == []


def test_the_red_crescent_is_no_club(tagger: GazetteerTagger) -> None:
    found = tag(tagger, "أرسل الهلال الأحمر قافلة إلى المدينة قبل مباراة الدوري.")
    assert ("الهلال الأحمر", "ORG", "الهلال الأحمر") in found
    assert not [entity for entity in found if entity[2] == "الهلال"]


def test_a_city_that_names_a_club_is_the_club_only_in_a_sports_context(tagger: GazetteerTagger) -> None:
    assert tag(tagger, "تغلب برشلونة على ريال مدريد في الدوري.")[:2] == [
        ("برشلونة", "ORG", "برشلونة"),
        ("ريال مدريد", "ORG", "ريال مدريد"),
    ]
    assert tag(tagger, "وصل الوفد إلى برشلونة أمس لحضور المؤتمر.") == [("برشلونة", "LOC", "برشلونة")]
    # After «في» it is the place, even beside a sports word.
    assert ("برشلونة", "LOC", "برشلونة") in tag(tagger, "أقيمت المباراة في برشلونة وسط حضور كبير.")


def test_a_club_meant_once_is_meant_again_without_a_cue(tagger: GazetteerTagger) -> None:
    body = "فاز النصر في الدوري. وبعد أسبوع من الراحة، استعاد النصر توازنه بعد غياب طويل عن الأضواء والعناوين."
    assert [text for text, kind, _ in tag(tagger, body) if kind == "ORG"] == ["النصر", "النصر"]
    # A sports title counts as mentioned before the body.
    assert tag(tagger, "استعاد النصر توازنه.", title="النصر يفوز في الدوري") == [("النصر", "ORG", "النصر")]


def test_a_match_report_names_its_clubs_far_from_any_sports_word(tagger: GazetteerTagger) -> None:
    far = " وسط أجواء احتفالية كبيرة عمت شوارع المدينة حتى ساعات الصباح الأولى من يوم الأحد، "
    report = "خسر الفريق المباراة الأولى في الدوري بعد هدفين متأخرين" + far + "ثم استعاد سيتي توازنه ودعم الشباب."
    found = tag(tagger, report)
    assert ("سيتي", "ORG", "مانشستر سيتي") in found
    # A common word with the article needs a cue near it even there: «دعم الشباب» is the young.
    assert not [entity for entity in found if entity[2] == "الشباب"]
    # One sports word, far away, does not make an article about sport.
    politics = "تحدث الوزير عن خطة لمكافحة البطالة قبل المباراة" + far + "وقال إن سيتي بنك يدعم الشباب."
    assert [found for found in tag(tagger, politics) if found[1] == "ORG"] == []


def test_players_coaches_and_stadiums(tagger: GazetteerTagger) -> None:
    body = "سجل كيليان مبابي هدفين على ملعب سانتياغو برنابيو، وقال جوارديولا إن مبابي لا يُوقف."
    assert tag(tagger, body) == [
        ("كيليان مبابي", "PER", "كيليان مبابي"),
        ("سانتياغو برنابيو", "LOC", "سانتياغو برنابيو"),
        ("جوارديولا", "PER", "بيب غوارديولا"),
        ("مبابي", "PER", "كيليان مبابي"),
    ]


def test_ambiguous_forms_need_cues_and_belong_to_one_entity(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="go together"):
        GazetteerEntry(canonical="نادي الهلال", type="ORG", ambiguous=("الهلال",))
    (tmp_path / "a.yaml").write_text(
        "entities:\n  - {canonical: نادي الوحدة, type: ORG, ambiguous: [الوحدة], cues: [مباراة]}\n"
        "  - {canonical: الوحدة الإماراتي, type: ORG, ambiguous: [الوحدة], cues: [مباراة]}\n",
        encoding="utf-8",
    )
    with pytest.raises(GazetteerError, match="ambiguous form"):
        load_gazetteer(tmp_path)


@pytest.mark.parametrize(
    ("sentence", "surface", "kind"),
    [
        ("اجتمع الرئيس بالوفد في قصر بعبدا صباح اليوم.", "قصر بعبدا", "LOC"),
        ("انفجرت سيارة في حي الكرادة وسط بغداد.", "الكرادة", "LOC"),
        ("وصلت الحاوية إلى ميناء جبل علي أمس.", "ميناء جبل علي", "LOC"),
        ("أعلنت أرامكو السعودية زيادة إنتاجها.", "أرامكو السعودية", "ORG"),
        ("صدّر المكتب الشريف للفوسفات شحنة جديدة.", "المكتب الشريف للفوسفات", "ORG"),
    ],
)
def test_places_below_the_governorate_and_public_bodies(
    tagger: GazetteerTagger, sentence: str, surface: str, kind: str
) -> None:
    assert any(text == surface and found == kind for text, found, _ in tag(tagger, sentence))


def test_amman_needs_a_word_of_jordan_and_oman_keeps_its_short_form(tagger: GazetteerTagger) -> None:
    assert tag(tagger, "وصل الوفد إلى عمّان للقاء المسؤولين الأردنيين.") == [("عمّان", "LOC", "عمّان")]
    assert tag(tagger, "زار الوزير سلطنة عمان، وقال إن عمان شريك مهم في المنطقة.") == [
        ("سلطنة عمان", "LOC", "سلطنة عمان"),
        ("عمان", "LOC", "سلطنة عمان"),
    ]
    # Neither Jordan nor the sultanate named: no guess, unless the shadda says which.
    assert tag(tagger, "شارك المنتخب في بطولة أقيمت في عمان الشهر الماضي.") == []
    assert tag(tagger, "شارك المنتخب في بطولة أقيمت في عمّان الشهر الماضي.") == [("عمّان", "LOC", "عمّان")]
    assert tag(tagger, "شارك المنتخب في بطولة أقيمت في عُمان الشهر الماضي.") == []


@pytest.mark.parametrize(
    ("sentence", "canonical"),
    [
        ("ترأس الرئيس اجتماعاً لمجلس الأمن القومي لبحث الوضع على الحدود.", None),
        ("وقال أمين مجلس الأمن الوطني إن الحكومة لن تتراجع.", None),
        ("دعت موسكو إلى جلسة طارئة لمجلس الأمن لبحث الهجوم.", "مجلس الأمن الدولي"),
        ("صوّت مجلس الأمن الدولي على القرار بالإجماع.", "مجلس الأمن الدولي"),
        ("وتتجه الأنظار إلى مواجهة بايرن المقبلة أمام فرانكفورت.", "بايرن ميونخ"),
    ],
)
def test_a_short_name_followed_by_another_qualifier_is_another_body(
    tagger: GazetteerTagger, sentence: str, canonical: str | None
) -> None:
    found = {entity_canonical for _, kind, entity_canonical in tag(tagger, sentence) if kind == "ORG"}
    assert found == ({canonical} if canonical else set())
