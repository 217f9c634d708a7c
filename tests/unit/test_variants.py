"""Spelling variants of one name: generated for the gazetteer's names, so either spelling is tagged."""

from __future__ import annotations

import pytest

from marsad.workers.build import build_tagger
from marsad.workers.pipeline import Tagger
from marsad.workers.settings import Settings
from marsad.workers.stages.lexicon import frequencies
from marsad.workers.stages.normalize import NormalizedText, normalize
from marsad.workers.stages.variants import spellings

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("name", "variant"),
    [
        ("سيرغي لافروف", "سيرجي لافروف"),  # g as غ or ج
        ("فلاديمير بوتين", "فلاديمير بوتن"),  # a long vowel dropped
        ("فولوديمير زيلينسكي", "فولوديمير زيلنسكي"),
        ("سورية", "سوريا"),  # the final a as ة or ا
    ],
)
def test_spellings_of_a_name(name: str, variant: str) -> None:
    assert normalize(variant) in spellings(name, frequencies())


def test_a_frequent_word_is_not_a_spelling_of_a_name() -> None:
    assert "محمد" not in spellings("محمود", frequencies())


@pytest.fixture(scope="module")
def tag() -> Tagger:
    return build_tagger(Settings())


@pytest.mark.parametrize(
    ("sentence", "canonical"),
    [
        ("التقى سيرجي لافروف نظيره التركي في أنقرة.", "سيرغي لافروف"),
        ("قال فلاديمير بوتن إن المفاوضات مستمرة.", "فلاديمير بوتين"),
        ("رفض فولوديمير زيلنسكي المقترح.", "فولوديمير زيلينسكي"),
    ],
)
def test_either_spelling_is_tagged_with_one_canonical(tag: Tagger, sentence: str, canonical: str) -> None:
    found = tag(NormalizedText.of(sentence), NormalizedText.of(""))
    assert canonical in {entity.canonical for entity in found}
