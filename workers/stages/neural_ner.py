"""camel-tools' neural NER (a BERT token classifier) as an entity tagger, and its merge with the gazetteer.

camel-tools, torch and transformers are the optional ``ner`` extra: they are imported only by
``NeuralTagger.load``, so marsad imports without them.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from marsad.topics.records import Entity, EntityType
from marsad.workers.stages.normalize import normalize

if TYPE_CHECKING:
    from camel_tools.ner import NERecognizer

# camel-tools' pretrained model says PERS; PER is accepted too for models trained with the CoNLL names.
_LABEL_TYPES: dict[str, EntityType] = {"PERS": "PER", "PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}
# NERecognizer.predict pads every sentence to 256 word pieces including [CLS] and [SEP], and silently
# cuts longer ones into pieces; windows of at most this many pieces are never cut behind our back.
MAX_WINDOW_PIECES = 254
_SENTENCE_ENDS = frozenset(".!?؟…")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int
    pieces: int  # BERT word pieces; a token with none is invisible to the model


class NeuralTagger:
    """Tags PER/LOC/ORG/MISC spans in an article body with a camel-tools ``NERecognizer``."""

    def __init__(self, recognizer: NERecognizer) -> None:
        self._recognizer = recognizer

    @classmethod
    def load(cls, model_path: Path) -> NeuralTagger:
        """Load a fine-tuned camel-tools NER model directory (``config.json``, weights, ``vocab.txt``)."""
        if not (model_path / "config.json").is_file():
            # transformers would otherwise take the path for a Hub model id and try the network.
            raise FileNotFoundError(f"no NER model at {model_path} (expected {model_path / 'config.json'})")
        with _offline_catalogue():
            from camel_tools.ner import NERecognizer
        return cls(NERecognizer(str(model_path)))

    def tag(self, body: str) -> list[Entity]:
        """Entities in ``body`` with ``body[start:end] == text``, sorted by start."""
        tokenizer = self._recognizer.tokenizer
        tokens = [t for t in tokenize(body, lambda word: len(tokenizer.tokenize(word))) if t.pieces]
        windows = split_windows(body, tokens)
        labels = self._recognizer.predict([[t.text for t in window] for window in windows])
        entities: list[Entity] = []
        for window, window_labels in zip(windows, labels, strict=True):
            entities.extend(label_spans(body, window, window_labels))
        return entities


@contextmanager
def _offline_catalogue() -> Iterator[None]:
    """Let ``import camel_tools.ner`` succeed offline.

    ``camel_tools.ner`` imports ``camel_tools.data``, which at import time loads ``catalogue.json`` from
    ``$CAMELTOOLS_DATA`` (default ``~/.camel_tools``, which it also creates) and, when the file is missing,
    downloads it from GitHub; offline that raises ``DownloaderError``. The catalogue only serves
    ``NERecognizer.pretrained`` and data downloads, neither used here, so when no catalogue is installed
    camel-tools is pointed at an empty one for the duration of the import (it reads the variable only then).
    An installed catalogue is left in charge so other camel-tools components keep their pretrained data.
    """
    installed = Path(os.environ.get("CAMELTOOLS_DATA") or Path.home() / ".camel_tools").expanduser()
    if (installed / "catalogue.json").is_file():
        yield
        return
    previous = os.environ.get("CAMELTOOLS_DATA")
    with tempfile.TemporaryDirectory(prefix="marsad-camel-") as data_dir:
        catalogue = {"version": "empty", "packages": {}, "components": {}}
        (Path(data_dir) / "catalogue.json").write_text(json.dumps(catalogue), encoding="utf-8")
        os.environ["CAMELTOOLS_DATA"] = data_dir
        try:
            yield
        finally:
            if previous is None:
                del os.environ["CAMELTOOLS_DATA"]
            else:
                os.environ["CAMELTOOLS_DATA"] = previous


def tokenize(body: str, pieces: Callable[[str], int]) -> list[Token]:
    """camel-tools' ``simple_word_tokenize`` tokens of ``body`` with their character offsets."""
    from camel_tools.tokenizers.word import simple_word_tokenize

    tokens: list[Token] = []
    position = 0
    for word in simple_word_tokenize(body):
        # Tokens are whitespace-free substrings in order with only whitespace between them, so the
        # next occurrence is the token itself.
        start = body.index(word, position)
        position = start + len(word)
        tokens.append(Token(word, start, position, pieces(word)))
    return tokens


def split_windows(body: str, tokens: Sequence[Token], max_pieces: int = MAX_WINDOW_PIECES) -> list[list[Token]]:
    """Pack whole sentences into model inputs of at most ``max_pieces``; a longer sentence is cut.

    Packing rather than one sentence per input because NERecognizer pads every input to the full
    length, so an input costs the same whether it holds one sentence or ten.
    """
    windows: list[list[Token]] = []
    window: list[Token] = []
    size = 0
    for sentence in _sentences(body, tokens):
        if window and size + sum(t.pieces for t in sentence) > max_pieces:
            windows.append(window)
            window, size = [], 0
        for token in sentence:
            if window and size + token.pieces > max_pieces:
                windows.append(window)
                window, size = [], 0
            window.append(token)
            size += token.pieces
    if window:
        windows.append(window)
    return windows


def _sentences(body: str, tokens: Sequence[Token]) -> Iterator[list[Token]]:
    """Runs of tokens ending with sentence-final punctuation or at a line break."""
    sentence: list[Token] = []
    for token in tokens:
        if sentence and (sentence[-1].text in _SENTENCE_ENDS or "\n" in body[sentence[-1].end : token.start]):
            yield sentence
            sentence = []
        sentence.append(token)
    if sentence:
        yield sentence


def label_spans(body: str, tokens: Sequence[Token], labels: Sequence[str]) -> list[Entity]:
    """Merge BIO-labelled tokens into entities; an I- that does not continue its type opens a new one."""
    entities: list[Entity] = []
    current: tuple[EntityType, int, int] | None = None
    for token, label in zip(tokens, labels, strict=True):
        prefix, _, kind = label.partition("-")
        entity_type = _LABEL_TYPES.get(kind) if prefix in ("B", "I") else None
        if current is not None and prefix == "I" and entity_type == current[0]:
            current = (current[0], current[1], token.end)
            continue
        if current is not None:
            entities.append(_entity(body, *current))
        current = (entity_type, token.start, token.end) if entity_type is not None else None
    if current is not None:
        entities.append(_entity(body, *current))
    return entities


def _entity(body: str, entity_type: EntityType, start: int, end: int) -> Entity:
    text = body[start:end]
    return Entity(text=text, type=entity_type, canonical=normalize(text), start=start, end=end)


def merge_entities(gazetteer: Sequence[Entity], neural: Sequence[Entity]) -> list[Entity]:
    """One non-overlapping list sorted by start; on overlap the gazetteer entity wins.

    Exception: a neural span that overlaps exactly one gazetteer entity, strictly contains it and has
    its type replaces it, keeping the gazetteer's curated canonical (e.g. a clitic-bearing token the
    model tagged whole). Should an input overlap itself, the earlier (then longer) span is kept.
    """
    kept = list(gazetteer)
    for entity in neural:
        hits = [i for i, g in enumerate(gazetteer) if g.start < entity.end and entity.start < g.end]
        if not hits:
            kept.append(entity)
        elif len(hits) == 1 and _widens(entity, gazetteer[hits[0]]):
            inner = gazetteer[hits[0]]
            kept[hits[0]] = Entity(entity.text, inner.type, inner.canonical, entity.start, entity.end)
    merged: list[Entity] = []
    for entity in sorted(kept, key=lambda e: (e.start, -e.end)):
        if not merged or entity.start >= merged[-1].end:
            merged.append(entity)
    return merged


def _widens(outer: Entity, inner: Entity) -> bool:
    """``outer`` strictly contains ``inner`` and has its type."""
    contains = outer.start <= inner.start and inner.end <= outer.end
    return contains and outer.end - outer.start > inner.end - inner.start and outer.type == inner.type
