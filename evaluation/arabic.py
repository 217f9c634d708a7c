"""Arabic helpers for scoring, independent of marsad's own code (the scorer must not share its bugs)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_SPACES = re.compile(r"\s+")
# One or two proclitic letters a word may carry before a name (و ف ب ك ل and their combinations).
PROCLITICS = frozenset({"", "و", "ف", "ب", "ك", "ل", "وب", "ول", "وك", "فب", "فل", "فك"})


def normalize(text: str) -> str:
    """Diacritics and tatweel removed, alef/hamza forms → ا, ى → ي, ة → ه, spaces collapsed."""
    text = _DIACRITICS.sub("", unicodedata.normalize("NFKC", text))
    return _SPACES.sub(" ", text.translate(_LETTERS)).strip()


def is_word_char(char: str) -> bool:
    return char.isalpha() or bool(_DIACRITICS.match(char))


def occurrences(body: str, text: str) -> Iterator[tuple[int, int]]:
    """Spans of ``text`` in ``body`` as a whole word sequence, allowed after one or two proclitic letters.

    The span is that of ``text`` itself (the clitic letters, if any, are left out)."""
    for match in re.finditer(re.escape(text), body):
        start, end = match.span()
        if end < len(body) and is_word_char(body[end]):
            continue
        word_start = start
        while word_start > 0 and is_word_char(body[word_start - 1]):
            word_start -= 1
        if _DIACRITICS.sub("", body[word_start:start]) in PROCLITICS:
            yield start, end
