"""The full tagger (the gazetteer, then the context rules) on one sentence, for the unit tests of Arabic names."""

from __future__ import annotations

from marsad.workers.pipeline import Tagger
from marsad.workers.stages.normalize import NormalizedText


def entities(tag: Tagger, sentence: str) -> list[tuple[str, str, str]]:
    """(text, type, canonical) of each entity found in ``sentence`` as a body with no title."""
    return [(e.text, e.type, e.canonical) for e in tag(NormalizedText.of(sentence), NormalizedText.of(""))]


def names_of(tag: Tagger, sentence: str, kind: str) -> list[tuple[str, str]]:
    """(text, canonical) of each entity of type ``kind`` found in ``sentence``."""
    return [(text, canonical) for text, found, canonical in entities(tag, sentence) if found == kind]
