"""Normalization: what matching, hashing and dedup rely on."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.workers.stages.normalize import (
    DELETED,
    NormalizedText,
    OffsetMap,
    _normalize_rarer,
    normalize,
    normalize_with_offsets,
)

pytestmark = pytest.mark.unit

SEED_IDS = ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("حُمَيْمِيم", "حميميم"),  # harakat and sukun
        ("مُحَمَّد", "محمد"),  # shadda
        ("هٰذا", "هذا"),  # dagger alef
        ("طرطـــوس", "طرطوس"),  # tatweel
        ("أحمد إبراهيم آل ٱلرحمن", "احمد ابراهيم ال الرحمن"),  # alef variants
        ("مصطفى في القرية", "مصطفي في القريه"),  # ى → ي, ة → ه
        ("عام ٢٠٢٥ و۱۴۰۳", "عام 2025 و1403"),  # Arabic-Indic and Persian digits
        ("بو\u200cتين\u200f", "بوتين"),  # zero-width non-joiner, right-to-left mark
        ("ﻻ ﷲ", "لا الله"),  # presentation forms (NFKC)
        ("  سطر\n\tآخر  ", "سطر اخر"),  # whitespace collapsed
    ],
)
def test_normalize_examples(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_a_republished_sentence_with_diacritics_normalizes_to_the_plain_one() -> None:
    plain = "وصل الرئيس إلى موسكو في زيارة رسمية يبحث خلالها مستقبل القاعدة الروسية في طرطوس"
    vowelled = "وَصَلَ الرَّئِيسُ إِلَى مُوسْكُو فِي زِيَارَةٍ رَسْمِيَّةٍ يَبْحَثُ خِلَالَهَا مُسْتَقْبَلَ القَاعِدَةِ الرُّوسِيَّةِ فِي طَرْطُوسَ"
    assert normalize(vowelled) == normalize(plain)


@pytest.mark.parametrize("seed", SEED_IDS)
def test_fast_path_equals_camel_tools_chain_on_real_articles(seed: str, seed_text: Callable[[str], str]) -> None:
    camel_normalize = pytest.importorskip("camel_tools.utils.normalize")
    camel_dediac = pytest.importorskip("camel_tools.utils.dediac")
    text = seed_text(seed) + "\nنَصٌّ مُشَكَّلٌ: أَحْمَدُ يُقَابِلُ ٱلرَّئِيسَ فِي ٢٠٢٥ ﻻ"
    reference = camel_normalize.normalize_unicode(text)
    reference = camel_dediac.dediac_ar(reference)
    reference = camel_normalize.normalize_alef_ar(reference)
    reference = camel_normalize.normalize_alef_maksura_ar(reference)
    reference = camel_normalize.normalize_teh_marbuta_ar(reference)
    # marsad's documented additions: tatweel removed, Eastern digits to ASCII, whitespace collapsed.
    reference = reference.replace("\u0640", "").translate({0x0660 + i: str(i) for i in range(10)})
    assert normalize(text) == " ".join(reference.split())


arabic_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF),
        st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFF),
        st.sampled_from(" \n\t.,،؛:«»()-\u200c\u200f0123456789abcXYZ"),
    ),
    max_size=200,
)


@given(st.text(max_size=200))
def test_normalize_is_idempotent_on_any_text(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(arabic_text)
def test_offsets_map_every_normalized_character_to_its_source(text: str) -> None:
    normalized, offsets = normalize_with_offsets(text)
    sources = [offsets.original(i) for i in range(len(normalized))]
    assert sources == sorted(sources)
    assert all(0 <= source < len(text) for source in sources)
    for i, char in enumerate(normalized):
        # Each normalized character comes from the original character it maps to (alone or composed).
        source = sources[i]
        assert char.isspace() or char in normalize(text[source]) + normalize(text[source : source + 2])


@given(st.text(alphabet=st.characters(min_codepoint=0x0621, max_codepoint=0x0652), max_size=100))
def test_offset_mapped_form_equals_normalize_on_arabic_letters_and_marks(text: str) -> None:
    assert " ".join(NormalizedText.of(text).normalized.split()) == normalize(text)


@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from(DELETED),
            st.characters(min_codepoint=0x0621, max_codepoint=0x064A),
            st.sampled_from(" \n.،«»abc0123456789\u0660\u0654"),
        ),
        max_size=100,
    )
)
def test_the_common_case_shortcut_equals_the_general_path(text: str) -> None:
    # Text of letters, punctuation and deletable marks takes a shortcut; the general path handles everything.
    assert normalize_with_offsets(text) == _normalize_rarer(text, 0)


def _reference_words(text: str) -> str:
    lowered = text.lower()
    cased = lowered if len(lowered) == len(text) else text
    return "".join(char if char.isalnum() else " " for char in cased)


@pytest.mark.parametrize(
    "text",
    [
        "".join(
            chr(code)
            for code in range(sys.maxunicode + 1)
            if not 0xD800 <= code <= 0xDFFF and code not in (0x130, 0x3A3)
        ),
        "ΟΔΥΣΣΕΥΣ Σ ΑΣ.",  # final sigma: ς at the end of a word
        "İstanbul وطرطوس",  # lowercasing would change the length: the case is kept
        "Ahmad AL-Sharaa أحمد_الشرع ١٢٣ 12",
    ],
)
def test_words_are_the_lowercased_letters_and_digits(text: str) -> None:
    assert NormalizedText(text, text, OffsetMap((), ())).words == _reference_words(text)
