"""The shared term matcher: proclitics, and the article after ل."""

from __future__ import annotations

import pytest

from marsad.workers.stages.normalize import NormalizedText
from marsad.workers.stages.terms import TermMatcher

pytestmark = pytest.mark.unit


def found(terms: list[str], text: str, add_article: bool = False) -> list[str]:
    matcher = TermMatcher([(term, term) for term in terms], add_article=add_article)
    body = NormalizedText.of(text)
    return [body.normalized[hit.start : hit.end] for hit in matcher.find(body)]


@pytest.mark.parametrize(
    ("term", "sentence", "surface"),
    [
        ("اللجنة", "قدّم الوزير تقريره للجنة المالية أمس.", "لجنه"),  # ل + اللجنة: one lam drops
        ("اللجنة", "وللجنة الحق في طلب الوثائق.", "لجنه"),
        ("الأسد", "قال المراسل إن للأسد خطاباً مرتقباً.", "لاسد"),  # ل + الأسد: the alef drops
        ("الليل", "خرجت الدورية لليل الطويل.", "ليل"),
    ],
)
def test_article_after_lam(term: str, sentence: str, surface: str) -> None:
    assert found([term], sentence) == [surface]


def test_three_lams_are_not_a_match() -> None:
    assert found(["اللجنة"], "كُتب لللجنة بخط رديء.") == []


def test_keyword_without_article_matches_its_lam_article_form() -> None:
    assert found(["لجنة"], "أحيل الملف للجنة القانونية.", add_article=True) == ["لجنه"]
