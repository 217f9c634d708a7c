"""The names model (``workers/stages/names_model.py``): names the rules missed, found by a classifier over each word,
its neighbours and what the rules tagged (sentences written for these tests)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pycrfsuite
import pytest

from marsad.topics.records import DeadLetter, Entity, RawInput, SourcePosition
from marsad.workers.build import build_enricher, build_names_features, build_names_model, build_tagger
from marsad.workers.pipeline import Enricher, Prepared
from marsad.workers.settings import Settings
from marsad.workers.stages.alerts import RuleSet, load_rules
from marsad.workers.stages.clean import BoilerplateRemover
from marsad.workers.stages.dedup import Fingerprinter
from marsad.workers.stages.names_model import LABELS, NamesModel, Tokens, rule_labels
from marsad.workers.stages.normalize import NormalizedText

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from evaluation.dataset import GoldEntity  # noqa: E402
from evaluation.scoring import gold_mentions  # noqa: E402
from training.names import Example, export, fit  # noqa: E402

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def enrichers() -> tuple[Enricher, Enricher]:
    """(the rules alone, the rules and the shipped names model)."""
    return build_enricher(Settings()), build_enricher(Settings(names_model=True))


def prepared(enricher: Enricher, *bodies: str) -> list[Prepared]:
    raws = [
        RawInput(
            json.dumps({"id": str(n), "title": "خبر", "body": body}, ensure_ascii=False).encode(), SourcePosition("t")
        )
        for n, body in enumerate(bodies)
    ]
    outcomes = enricher.prepare(raws, datetime.now(UTC))
    assert all(isinstance(outcome, Prepared) for outcome in outcomes), outcomes
    return [outcome for outcome in outcomes if isinstance(outcome, Prepared)]


def names(item: Prepared) -> list[tuple[str, str, str]]:
    return [(entity.text, entity.type, entity.canonical) for entity in item.entities]


def test_tokens_are_the_words_of_the_normalized_text_with_their_places() -> None:
    body = NormalizedText.of("قال الوزيرُ، في بيروت:  «نعم»")
    tokens = Tokens.of(body)
    assert tokens.words == body.words.split()
    assert [body.words[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)] == tokens.words


def test_rule_labels_mark_the_first_token_of_an_entity_b_and_the_rest_i() -> None:
    body = NormalizedText.of("زار الرئيسُ مدينةَ حمص القديمة أمس")
    start = body.original.index("مدينةَ")
    end = body.original.index(" أمس")
    labels = rule_labels(Tokens.of(body), [Entity(body.original[start:end], "LOC", "حمص", start, end)])
    assert [LABELS[label] for label in labels] == ["O", "O", "B-LOC", "I-LOC", "I-LOC", "O"]


def test_the_model_scores_a_text_as_the_library_that_trained_it(tmp_path: Path) -> None:
    """The weights are summed here rather than by crfsuite's tagger: both must label every word alike."""
    features = build_names_features(Settings())
    texts = [
        ("قال المدرب كريم بوزيان إن فريقه جاهز، وأكد بوزيان أن اللاعبين بخير.", [("كريم بوزيان", "PER")]),
        (
            "افتتحت بلدية تل الورد مدرسة جديدة في حي الشيخ مقصود.",
            [("بلدية تل الورد", "ORG"), ("حي الشيخ مقصود", "LOC")],
        ),
        ("وصل زوران ميلكوفيتش إلى العاصمة على متن طائرة خاصة.", [("زوران ميلكوفيتش", "PER")]),
    ]
    examples = []
    for number, (text, gold) in enumerate(texts):
        spans = [(text.index(name), text.index(name) + len(name), kind) for name, kind in gold]
        entities = [Entity(text[s:e], kind, text[s:e], s, e) for s, e, kind in spans]  # type: ignore[arg-type]
        examples.append(Example(str(number), NormalizedText.of(text), entities[:1], entities))
    fit(examples, features, tmp_path / "model.crfsuite")
    export(tmp_path / "model.crfsuite", tmp_path / "model.npz")
    model = NamesModel.load(tmp_path / "model.npz", features)
    reference = pycrfsuite.Tagger()
    reference.open(str(tmp_path / "model.crfsuite"))
    batch = [
        (item.body, words, rule_labels(words, item.rules)) for item in examples for words in [Tokens.of(item.body)]
    ]
    for (body, tokens, rules), scores in zip(batch, model.emissions(batch), strict=True):
        expected = [reference.tag(pycrfsuite.ItemSequence([row]))[0] for row in features.sequence(body, tokens, rules)]
        assert [LABELS[label] for label in np.argmax(scores, axis=1)] == expected


# A model trained here on sentences of our own: what it learned, it finds (the shipped model is measured by
# scripts/eval and scripts/train-names --folds, not by a few sentences).
LEARNED = [
    (
        "وصل زوران ميلكوفيتش إلى المطار، واستقبل ميلكوفيتش الوفد في القاعة.",
        [("زوران ميلكوفيتش", "PER", "زوران ميلكوفيتش"), ("ميلكوفيتش", "PER", "زوران ميلكوفيتش")],
    ),
    (
        "تقع كفركلا على الحدود، وبين بلدة الخيام وكفركلا طريق واحد يمر بسهل كفركلا.",
        [("كفركلا", "LOC", "كفركلا"), ("بلدة الخيام", "LOC", "الخيام")],
    ),
    ("التقى علي حسن رئيس البلدية في مكتبه، وتحدث علي حسن عن المشاريع.", [("علي حسن", "PER", "علي حسن")]),
    (
        "وقالت شركة ترافيكو للنقل إن الرحلات ستعود الأسبوع المقبل.",
        [("شركة ترافيكو للنقل", "ORG", "شركة ترافيكو للنقل")],
    ),
]


def example(number: int, text: str, gold: list[tuple[str, str, str]]) -> Example:
    """Labelled as the evaluation set is: every whole-word occurrence of a text, after a proclitic too."""
    mentions = gold_mentions(text, str(number), [GoldEntity(*label) for label in gold])
    entities = [Entity(text[m.start : m.end], m.type, m.canonical, m.start, m.end) for m in mentions]  # type: ignore[arg-type]
    return Example(str(number), NormalizedText.of(text), [], entities)


@pytest.fixture(scope="module")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> NamesModel:
    directory = tmp_path_factory.mktemp("names")
    features = build_names_features(Settings())
    examples = [example(number, text, gold) for number, (text, gold) in enumerate(LEARNED * 3)]
    fit(examples, features, directory / "model.crfsuite")
    export(directory / "model.crfsuite", directory / "model.npz")
    return NamesModel.load(directory / "model.npz", features)


def found(model: NamesModel, text: str, known: Sequence[Entity] = ()) -> list[tuple[str, str, str, int]]:
    (entities,) = model.tag([(NormalizedText.of(text), known)])
    return [(entity.text, entity.type, entity.canonical, entity.start) for entity in entities]


def test_it_finds_the_names_it_learned_and_their_short_forms(small_model: NamesModel) -> None:
    text = LEARNED[0][0]
    names = found(small_model, text)
    assert ("زوران ميلكوفيتش", "PER", "زوران ميلكوفيتش", text.index("زوران")) in names
    # The same person, later: named as the text named him first.
    assert ("ميلكوفيتش", "PER", "زوران ميلكوفيتش", text.rindex("ميلكوفيتش")) in names


def test_a_name_behind_a_proclitic_is_named_without_it(small_model: NamesModel) -> None:
    text = LEARNED[1][0]
    assert ("كفركلا", "LOC", "كفركلا", text.index("وكفركلا") + 1) in found(small_model, text)


def test_it_only_fills_the_gaps_the_rules_left(small_model: NamesModel) -> None:
    text = LEARNED[3][0]
    start = text.index("شركة")
    company = Entity("شركة ترافيكو", "ORG", "شركة ترافيكو", start, start + len("شركة ترافيكو"))
    assert not [name for name in found(small_model, text, [company]) if name[1] == "ORG"]
    assert [name[:2] for name in found(small_model, text)] == [("شركة ترافيكو للنقل", "ORG")]


def test_a_preposition_is_never_a_name(small_model: NamesModel) -> None:
    """Normalized, «على» (on) is «علي» (Ali), a name the model learned."""
    names = found(small_model, "وتحدث الوزير على هامش المؤتمر، وقال على الجميع أن يعملوا.")
    assert not [name for name in names if name[0] in ("على", "علي")]


def test_the_shipped_model_keeps_what_the_rules_found(enrichers: tuple[Enricher, Enricher]) -> None:
    rules, model = enrichers
    body = "أعلن الرئيس السوري أحمد الشرع في دمشق أن الحكومة ستعمل على تحسين الكهرباء، وعلى إعادة الإعمار."
    (alone,) = prepared(rules, body)
    (both,) = prepared(model, body)
    assert set(names(alone)) <= set(names(both))
    assert not [name for name in names(both) if name[0] in ("على", "وعلى")]


def test_a_text_the_model_fails_on_is_dead_lettered_alone() -> None:
    settings = Settings()

    def fails_on_one(texts: Sequence[tuple[NormalizedText, Sequence[Entity]]]) -> list[list[Entity]]:
        if any("ضار" in body.original for body, _ in texts):
            raise ValueError("a broken text")
        return [[] for _ in texts]

    enricher = Enricher(
        clean=BoilerplateRemover.from_file(settings.boilerplate),
        tag=build_tagger(settings),
        rules=RuleSet(load_rules(settings.rules)),
        fingerprint=Fingerprinter(settings.dedup_num_perm, settings.dedup_shingle_words),
        max_payload_bytes=settings.max_body_bytes,
        find_names=fails_on_one,
    )
    raws = [
        RawInput(json.dumps({"id": n, "title": "خبر", "body": b}, ensure_ascii=False).encode(), SourcePosition("t"))
        for n, b in (("good", "خبر سليم عن دمشق"), ("bad", "خبر ضار عن حلب"), ("also-good", "خبر ثالث عن حمص"))
    ]
    outcomes = enricher.prepare(raws, datetime.now(UTC))
    assert [type(outcome) for outcome in outcomes] == [Prepared, DeadLetter, Prepared]
    assert isinstance(outcomes[1], DeadLetter) and outcomes[1].stage == "enrich"


def test_batches_and_single_texts_get_the_same_names() -> None:
    model = build_names_model(Settings(names_model=True))
    assert model is not None
    bodies = [
        "قال المحافظ سليم قوجة إن العمل في سد الوحدة سينتهي قريباً.",
        "وصل زوران ميلكوفيتش إلى العاصمة.",
        "",
        "التقى وزير الخارجية نظيره في عمّان وبحثا العلاقات.",
    ]
    texts: list[tuple[NormalizedText, Sequence[Entity]]] = [(NormalizedText.of(body), []) for body in bodies]
    assert model.tag(texts) == [model.tag([text])[0] for text in texts]
