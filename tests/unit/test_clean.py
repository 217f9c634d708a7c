"""Boilerplate removal keeps the article and drops publisher lines."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from marsad.workers.stages.clean import BoilerplateConfig, BoilerplateRemover, _single_spaced
from marsad.workers.stages.normalize import NormalizedText

pytestmark = pytest.mark.unit

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "boilerplate.yaml"
ARTICLE = "أعلنت البلدية افتتاح سوق جديد للخضار في وسط المدينة.\nوقال رئيس البلدية إن السوق يخدم آلاف السكان."


@pytest.fixture(scope="module")
def clean() -> BoilerplateRemover:
    return BoilerplateRemover.from_file(SHIPPED)


@pytest.mark.parametrize(
    "line",
    [
        "اقرأ أيضاً: ارتفاع أسعار الوقود في الأسواق المحلية",
        "اقرأ أيضًا: عاصفة ثلجية تضرب المرتفعات",
        "إقرأ ايضا - تفاصيل جديدة عن الموازنة",
        "زر الذهاب إلى الأعلى",
        "عذراً التعليقات مغلقة",
        "عذرًا، التعليقات مغلقة",
    ],
)
def test_boilerplate_lines_are_removed_and_the_article_kept(clean: BoilerplateRemover, line: str) -> None:
    body = f"{ARTICLE}\n\n{line}\n"
    assert clean(NormalizedText.of(body)).original == ARTICLE


def test_a_sentence_that_only_mentions_reading_is_kept(clean: BoilerplateRemover) -> None:
    body = "قال الوزير: اقرأ أيضاً ما كتبته الصحف عن الخطة قبل أن تحكم عليها، فهي خطة طويلة."
    assert clean(NormalizedText.of(body)).original == body


def test_unchanged_text_is_returned_as_is(clean: BoilerplateRemover) -> None:
    text = NormalizedText.of(ARTICLE)
    assert clean(text) is text


def test_invalid_pattern_is_refused() -> None:
    with pytest.raises(ValidationError, match="invalid boilerplate pattern"):
        BoilerplateConfig.model_validate({"line_patterns": ["(unclosed"]})


@pytest.mark.parametrize("spacing", [" ", "  ", "\t", "\u00a0", "\u2003", "\u3000", "\r", "\x0c", "\u2028", " \u202f "])
def test_boilerplate_with_any_whitespace_between_its_words_is_removed(clean: BoilerplateRemover, spacing: str) -> None:
    body = f"{ARTICLE}\n\nاقرأ{spacing}أيضاً: ارتفاع{spacing}أسعار الوقود\n"
    assert clean(NormalizedText.of(body)).original == ARTICLE


def test_single_spacing_is_what_splitting_into_words_gives() -> None:
    # The shortcut rests on this: no whitespace but the ASCII space is printable.
    assert not [c for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c).isprintable() and c != 32]
    for line in ("كلمة واحدة", "كلمتان  بينهما مسافتان", "a\tb", "a\u00a0b", "a\u2028b", "a\u200bb"):
        assert _single_spaced(line) == " ".join(line.split())
