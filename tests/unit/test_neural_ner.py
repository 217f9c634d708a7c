from __future__ import annotations

import itertools
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.topics.records import Entity, EntityType
from marsad.workers.stages.neural_ner import (
    MAX_WINDOW_PIECES,
    NeuralTagger,
    Token,
    label_spans,
    merge_entities,
    split_windows,
    tokenize,
)

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]

# word/LABEL, unlabelled words are O. Every word of HELD occurs here; HELD itself does not.
TRAINING = [
    "زار أحمد/B-PERS الشرع/I-PERS مدينة حلب/B-LOC أمس",
    "وقال سيرغي/B-PERS لافروف/I-PERS إن الوفد وصل إلى دمشق/B-LOC",
    "استقبل أحمد/B-PERS الشرع/I-PERS وفدا من موسكو/B-LOC صباح اليوم",
    "التقى هاكان/B-PERS فيدان/I-PERS نظيره في أنقرة/B-LOC ثم غادر",
    "وصل سيرغي/B-PERS لافروف/I-PERS بدمشق/B-LOC مساء أمس",
    "أعلنت الأمم/B-ORG المتحدة/I-ORG أن الوفد زار طرطوس/B-LOC",
    "قال هاكان/B-PERS فيدان/I-PERS إن الوفد غادر حلب/B-LOC اليوم",
    "زار الوفد مدينة دمشــق/B-LOC وطرطوس/B-LOC",
    "أعلنت وزارة/B-ORG الخارجية/I-ORG أن أحمد/B-PERS الشرع/I-PERS غادر موسكو/B-LOC",
    "ونقل الوفد رسالة إلى نظيره",
]
# Diacritics on the name, a clitic on a place, tatweel inside another, a clitic on the last.
HELD = "وقال أَحْمَد الشَّرْع إن الوفد وصل بدمشق مساء أمس ثم زار دمشــق وطرطوس."


def entity_at(body: str, text: str, entity_type: EntityType, canonical: str) -> Entity:
    """The entity for the first occurrence of ``text`` in ``body``."""
    start = body.index(text)
    return Entity(text, entity_type, canonical, start, start + len(text))


def held_entities(body: str) -> list[Entity]:
    return [
        entity_at(body, "أَحْمَد الشَّرْع", "PER", "احمد الشرع"),
        entity_at(body, "بدمشق", "LOC", "بدمشق"),
        entity_at(body, "دمشــق", "LOC", "دمشق"),
        entity_at(body, "وطرطوس", "LOC", "وطرطوس"),
    ]


def whitespace_tokens(body: str, pieces: int = 1) -> list[Token]:
    return [Token(m[0], m.start(), m.end(), pieces) for m in re.finditer(r"\S+", body)]


# --- label_spans -------------------------------------------------------------------------------------


def test_label_spans_merges_bio_runs_and_maps_camel_labels() -> None:
    body = "قال أحمد الشرع في دمشق إن الأمم المتحدة وكأس العالم"
    labels = ["O", "B-PERS", "I-PERS", "O", "B-LOC", "O", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
    assert label_spans(body, whitespace_tokens(body), labels) == [
        entity_at(body, "أحمد الشرع", "PER", "احمد الشرع"),
        entity_at(body, "دمشق", "LOC", "دمشق"),
        entity_at(body, "الأمم المتحدة", "ORG", "الامم المتحده"),
        entity_at(body, "وكأس العالم", "MISC", "وكاس العالم"),
    ]


def test_label_spans_breaks_on_b_type_change_and_orphan_i() -> None:
    body = "حلب دمشق لافروف موسكو أنقرة"
    # B-B gives two entities, I- of another type starts a new one, I- after O starts one, CoNLL "PER"
    # is PER too, an unknown type counts as outside.
    labels = ["B-LOC", "B-LOC", "I-PER", "I-LOC", "B-DATE"]
    assert label_spans(body, whitespace_tokens(body), labels) == [
        entity_at(body, "حلب", "LOC", "حلب"),
        entity_at(body, "دمشق", "LOC", "دمشق"),
        entity_at(body, "لافروف", "PER", "لافروف"),
        entity_at(body, "موسكو", "LOC", "موسكو"),
    ]


def test_label_spans_keep_original_spelling_and_spacing() -> None:
    body = "زار سِيرْغِي\n  لافـــروف المدينة"
    labels = ["O", "B-PERS", "I-PERS", "O"]
    [entity] = label_spans(body, whitespace_tokens(body), labels)
    assert entity == entity_at(body, "سِيرْغِي\n  لافـــروف", "PER", "سيرغي لافروف")
    assert body[entity.start : entity.end] == entity.text


def test_label_spans_rejects_label_count_mismatch() -> None:
    body = "أحمد الشرع"
    with pytest.raises(ValueError):
        label_spans(body, whitespace_tokens(body), ["B-PERS"])


# --- split_windows -----------------------------------------------------------------------------------


def test_split_windows_packs_whole_sentences() -> None:
    body = "زار الوفد حلب . ثم غادر ؟ وصل دمشق"
    windows = split_windows(body, whitespace_tokens(body), max_pieces=8)
    assert [[t.text for t in w] for w in windows] == [
        ["زار", "الوفد", "حلب", ".", "ثم", "غادر", "؟"],
        ["وصل", "دمشق"],
    ]


def test_split_windows_ends_sentences_at_line_breaks() -> None:
    body = "زار الوفد حلب\nثم غادر"
    windows = split_windows(body, whitespace_tokens(body, pieces=2), max_pieces=8)
    assert [[t.text for t in w] for w in windows] == [["زار", "الوفد", "حلب"], ["ثم", "غادر"]]


def test_split_windows_cuts_an_overlong_sentence_by_tokens() -> None:
    body = " ".join(["الوفد"] * 10)
    windows = split_windows(body, whitespace_tokens(body, pieces=3), max_pieces=10)
    assert [len(w) for w in windows] == [3, 3, 3, 1]
    assert all(sum(t.pieces for t in w) <= 10 for w in windows)


# --- tokenize (camel-tools' tokenizer) ---------------------------------------------------------------


def test_tokenize_gives_camel_tokens_with_their_offsets() -> None:
    word = pytest.importorskip("camel_tools.tokenizers.word")
    body = "وَبِدِمَشْــقَ،\u00a0التقى «أحمدُ» الشرعَ... و\u200fالشرع 2024م؟\n\nالشرع"
    tokens = tokenize(body, len)
    assert [t.text for t in tokens] == word.simple_word_tokenize(body)
    assert all(body[t.start : t.end] == t.text and t.pieces == len(t.text) for t in tokens)
    assert [t.start for t in tokens if t.text == "الشرع"] == [body.rindex("الشرع")]


# --- merge_entities ----------------------------------------------------------------------------------

MERGE_BODY = "التقى الرئيس أحمد الشرع وزير الخارجية بدمشق وحلب"


def test_merge_gazetteer_wins_overlaps_and_neural_fills_gaps() -> None:
    body = MERGE_BODY
    gazetteer = [
        entity_at(body, "أحمد الشرع", "PER", "احمد الشرع"),
        entity_at(body, "دمشق", "LOC", "دمشق"),
    ]
    neural = [
        entity_at(body, "وحلب", "LOC", "وحلب"),  # no overlap: kept
        entity_at(body, "الرئيس أحمد", "PER", "الرئيس احمد"),  # partial overlap: gazetteer wins
        entity_at(body, "بدمشق", "ORG", "بدمشق"),  # contains, other type: gazetteer wins
    ]
    assert merge_entities(gazetteer, neural) == [*gazetteer, neural[0]]


def test_merge_keeps_a_longer_same_type_neural_span_with_the_gazetteer_canonical() -> None:
    body = MERGE_BODY
    gazetteer = [entity_at(body, "دمشق", "LOC", "دمشق"), entity_at(body, "الشرع", "PER", "احمد الشرع")]
    neural = [entity_at(body, "بدمشق", "LOC", "بدمشق"), entity_at(body, "أحمد الشرع", "PER", "احمد الشرع")]
    assert merge_entities(gazetteer, neural) == [
        entity_at(body, "أحمد الشرع", "PER", "احمد الشرع"),
        entity_at(body, "بدمشق", "LOC", "دمشق"),
    ]


def test_merge_same_span_or_span_over_two_gazetteer_entities_keeps_the_gazetteer() -> None:
    body = MERGE_BODY
    gazetteer = [entity_at(body, "دمشق", "LOC", "دمشق"), entity_at(body, "حلب", "LOC", "حلب")]
    neural = [entity_at(body, "دمشق", "LOC", "دمشق"), entity_at(body, "بدمشق وحلب", "LOC", "بدمشق وحلب")]
    assert merge_entities(gazetteer, neural) == gazetteer


ARABIC = st.sampled_from(list("ابتدرسشعلمنويةىأإءـ َُِّ"))


@st.composite
def body_and_entities(draw: st.DrawFn, disjoint: bool) -> tuple[str, list[Entity], list[Entity]]:
    """A body and gazetteer and neural entities on it, each list disjoint in itself when asked."""
    body = draw(st.text(ARABIC, min_size=1, max_size=60))

    def entities(source: str) -> list[Entity]:
        spans = draw(st.lists(st.tuples(st.integers(0, len(body)), st.integers(1, 12)), max_size=8))
        result: list[Entity] = []
        for start, length in sorted(spans):
            end = min(start + length, len(body))
            if start == end or (disjoint and result and start < result[-1].end):
                continue
            entity_type: EntityType = draw(st.sampled_from(["PER", "LOC"]))
            result.append(Entity(body[start:end], entity_type, f"{source}{start}-{end}", start, end))
        return draw(st.permutations(result))

    return body, entities("g"), entities("n")


@given(body_and_entities(disjoint=False))
def test_merge_output_is_sorted_disjoint_and_points_at_its_text(
    case: tuple[str, list[Entity], list[Entity]],
) -> None:
    body, gazetteer, neural = case
    merged = merge_entities(gazetteer, neural)
    assert all(a.end <= b.start for a, b in itertools.pairwise(merged))
    assert all(body[e.start : e.end] == e.text and e.start < e.end for e in merged)
    widened = [Entity(n.text, g.type, g.canonical, n.start, n.end) for g in gazetteer for n in neural]
    assert all(e in gazetteer or e in neural or e in widened for e in merged)


@given(body_and_entities(disjoint=True))
def test_merge_never_loses_a_gazetteer_entity_when_each_input_is_disjoint(
    case: tuple[str, list[Entity], list[Entity]],
) -> None:
    _, gazetteer, neural = case
    merged = merge_entities(gazetteer, neural)
    for g in gazetteer:
        assert any(
            m.start <= g.start and g.end <= m.end and (m.type, m.canonical) == (g.type, g.canonical) for m in merged
        )


# --- NeuralTagger with a tiny BERT built here --------------------------------------------------------


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, 32-wide BERT token classifier with camel-tools' labels, fine-tuned on TRAINING."""
    pytest.importorskip("camel_tools")
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    labels = ["B-LOC", "B-ORG", "B-PERS", "B-MISC", "I-LOC", "I-ORG", "I-PERS", "I-MISC", "O"]
    sentences = [[*(w.partition("/")[0] for w in s.split()), "."] for s in TRAINING]
    tags = [[*(w.partition("/")[2] or "O" for w in s.split()), "O"] for s in TRAINING]
    # Also packs of shuffled sentences, as NeuralTagger packs them into one input.
    shuffler = random.Random(0)
    for _ in range(6):
        order = shuffler.sample(range(len(TRAINING)), 4)
        sentences.append([w for i in order for w in sentences[i]])
        tags.append([t for i in order for t in tags[i]])

    directory = tmp_path_factory.mktemp("tiny-ner")
    vocab = directory / "vocab.txt"
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab.write_text("\n".join(specials) + "\n", encoding="utf-8")
    # The tokenizer's own normalizer (which drops harakat and hamza marks) gives the vocabulary entries.
    normalizer = transformers.BertTokenizer(str(vocab)).backend_tokenizer.normalizer
    words = sorted({normalizer.normalize_str(w) for s in sentences for w in s})
    vocab.write_text("\n".join(specials + words) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizer(str(vocab))

    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    model = transformers.BertForTokenClassification(config)
    # Trained on short inputs only, the positions further into a 254-piece window would keep random
    # embeddings; without any the tiny model behaves alike at every position.
    model.bert.embeddings.position_embeddings.weight.data.zero_()
    model.bert.embeddings.position_embeddings.weight.requires_grad = False
    width = max(len(s) for s in sentences) + 2
    input_ids = torch.zeros(len(sentences), width, dtype=torch.long)
    attention = torch.zeros(len(sentences), width, dtype=torch.long)
    targets = torch.full((len(sentences), width), -100)
    for row, (sentence, sentence_tags) in enumerate(zip(sentences, tags, strict=True)):
        ids = tokenizer.convert_tokens_to_ids([tokenizer.tokenize(w)[0] for w in sentence])
        input_ids[row, : len(ids) + 2] = torch.tensor([tokenizer.cls_token_id, *ids, tokenizer.sep_token_id])
        attention[row, : len(ids) + 2] = 1
        targets[row, 1 : len(ids) + 1] = torch.tensor([labels.index(t) for t in sentence_tags])
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    model.train()
    for _ in range(60):
        loss = model(input_ids=input_ids, attention_mask=attention, labels=targets).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.05

    model.save_pretrained(directory / "model")
    tokenizer.save_pretrained(directory / "model")
    return directory / "model"


@pytest.fixture(scope="module")
def tagger(model_dir: Path) -> NeuralTagger:
    return NeuralTagger.load(model_dir)


def test_tagger_finds_people_and_places_with_exact_offsets(tagger: NeuralTagger) -> None:
    entities = tagger.tag(HELD)
    assert entities == held_entities(HELD)
    assert all(HELD[e.start : e.end] == e.text for e in entities)


def test_tagger_skips_tokens_the_model_cannot_see(tagger: NeuralTagger) -> None:
    # A lone right-to-left mark is a token for camel-tools but no word piece for BERT; NERecognizer
    # drops such words from its output, which would shift every later label if we did not too.
    body = "\u200f " + HELD
    assert tagger.tag(body) == held_entities(body)


def test_tagger_merges_with_gazetteer_entities(tagger: NeuralTagger) -> None:
    gazetteer = [entity_at(HELD, "دمشق", "LOC", "دمشق"), entity_at(HELD, "طرطوس", "LOC", "طرطوس")]
    merged = merge_entities(gazetteer, tagger.tag(HELD))
    assert [(e.text, e.canonical) for e in merged] == [
        ("أَحْمَد الشَّرْع", "احمد الشرع"),
        ("بدمشق", "دمشق"),
        ("دمشــق", "دمشق"),
        ("وطرطوس", "طرطوس"),
    ]
    assert all(HELD[e.start : e.end] == e.text for e in merged)


def test_tagger_windows_a_long_article(tagger: NeuralTagger) -> None:
    body = "\n".join([HELD] * 40)  # about 640 word pieces: three windows
    expected = [
        Entity(e.text, e.type, e.canonical, e.start + offset, e.end + offset)
        for offset in range(0, len(body), len(HELD) + 1)
        for e in held_entities(HELD)
    ]
    assert tagger.tag(body) == expected


def test_tagger_tags_past_the_window_limit_of_a_run_on_sentence(tagger: NeuralTagger) -> None:
    body = " ".join(["زار أحمد الشرع مدينة حلب"] * 60)  # 300 word pieces, no sentence end
    assert len(body.split()) > MAX_WINDOW_PIECES
    entities = tagger.tag(body)
    assert all(body[e.start : e.end] == e.text for e in entities)
    assert entities[-1] == Entity("حلب", "LOC", "حلب", len(body) - 3, len(body))
    assert [e.type for e in entities].count("LOC") == 60


def test_load_rejects_a_directory_without_a_model(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        NeuralTagger.load(tmp_path)


def test_load_works_offline_without_a_camel_catalogue(model_dir: Path, tmp_path: Path) -> None:
    # A fresh interpreter, so camel-tools' import-time catalogue loading really runs, with the network
    # refused and an empty CAMELTOOLS_DATA: without the adapter's catalogue it would try to download.
    script = f"""
import os, requests
from pathlib import Path

def refuse(*args, **kwargs):
    raise requests.ConnectionError("offline")

requests.Session.request = refuse
from marsad.workers.stages.neural_ner import NeuralTagger

tagger = NeuralTagger.load(Path({str(model_dir)!r}))
assert os.environ["CAMELTOOLS_DATA"] == {str(tmp_path)!r}
print([e.text for e in tagger.tag("وقال أحمد الشرع")])
"""
    env = {
        "HOME": str(tmp_path),
        "CAMELTOOLS_DATA": str(tmp_path),
        "PYTHONPATH": str(REPO),
        "PYTHONIOENCODING": "utf-8",
    }
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, env=env, capture_output=True, encoding="utf-8", timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['أحمد الشرع']"


def test_configured_model_is_merged_into_the_pipeline_tagger(model_dir: Path, tagger: NeuralTagger) -> None:
    from marsad.workers.build import build_tagger
    from marsad.workers.settings import Settings
    from marsad.workers.stages.entities import GazetteerTagger
    from marsad.workers.stages.normalize import NormalizedText

    settings = Settings(ner_model_path=model_dir)
    body, title = NormalizedText.of(HELD), NormalizedText.of("")
    gazetteer = GazetteerTagger.from_directory(settings.gazetteer_dir).tag(body, title)
    tagged = build_tagger(settings)(body, title)
    assert tagged == merge_entities(gazetteer, tagger.tag(HELD))
    # The gazetteer's canonical (with its hamza) names the person the model found.
    assert ("PER", "أحمد الشرع") in {(e.type, e.canonical) for e in tagged}
