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
