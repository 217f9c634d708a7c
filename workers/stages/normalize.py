"""Arabic normalization for matching, hashing and shingling (the original text is kept for display).

The reference chain is camel-tools' (``normalize_unicode`` → ``dediac_ar`` → ``normalize_alef_ar`` →
``normalize_alef_maksura_ar`` → ``normalize_teh_marbuta_ar``) plus what a news matcher also needs:
tatweel, further Arabic combining marks, zero-width and bidi controls removed, Arabic-Indic and Persian
digits to ASCII, whitespace collapsed.

camel-tools runs a regex or ``str.translate`` pass per step; a dict-based ``translate`` costs ~60 ns per
character, which alone would eat the throughput budget. Here full NFKC runs only when a text is not already
NFKC (a C quick-check), deletions are one regex pass, the six letter variants are ``str.replace`` calls
that only run when the letter occurs, and digits are substituted only where present.
``tests/unit/test_normalize.py`` proves the output equals camel-tools' chain on real text.

``normalize_with_offsets`` gives the same text (without whitespace collapsing, character by character) with
a map back to the original offsets, so entities found in normalized text point at the original body.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import accumulate

import numpy as np
import numpy.typing as npt

TATWEEL = "\u0640"
# Harakat, shadda, sukun (U+064B-U+0652) and the dagger alef (U+0670): what camel-tools' dediac_ar removes.
DIACRITICS = "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0670"
# Further combining marks of Arabic script: maddah/hamza above and below, Quranic annotation signs.
EXTRA_MARKS = "".join(
    chr(c) for c in (*range(0x0653, 0x0660), *range(0x06D6, 0x06DD), *range(0x06DF, 0x06E9), *range(0x06EA, 0x06EE))
)
INVISIBLE = "\u00ad\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
DELETED = TATWEEL + DIACRITICS + EXTRA_MARKS + INVISIBLE

LETTER_VARIANTS: tuple[tuple[str, str], ...] = (
    ("\u0623", "\u0627"),  # أ → ا
    ("\u0625", "\u0627"),  # إ → ا
    ("\u0622", "\u0627"),  # آ → ا
    ("\u0671", "\u0627"),  # ٱ → ا
    ("\u0649", "\u064a"),  # ى → ي
    ("\u0629", "\u0647"),  # ة → ه
)
DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
# camel-tools' own fixes applied before NFKC (NFKC alone gives the rial sign a Persian yeh).
CAMEL_UNICODE_FIXES = {"\ufdfc": "ريال", "\ufdfd": "بسم الله الرحمن الرحيم"}

_DELETED_RE = re.compile("[" + DELETED + "]")
_DIGIT_RE = re.compile("[" + "".join(DIGITS) + "]")
_LETTER_TABLE = {ord(k): v for k, v in (*LETTER_VARIANTS, *DIGITS.items())} | {ord(c): "" for c in DELETED}


def _replace_letters(text: str) -> str:
    for variant, plain in LETTER_VARIANTS:
        if variant in text:
            text = text.replace(variant, plain)
    return text


@cache
def _per_character_table() -> dict[int, str]:
    """Every code point whose normalized form differs from itself, mapped on its own (built once, ~0.5 s)."""
    table: dict[int, str] = {}
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        compat = CAMEL_UNICODE_FIXES.get(char) or unicodedata.normalize("NFKC", char)
        mapped = compat.translate(_LETTER_TABLE)
        if mapped != char:
            table[code] = mapped
    return table


def _char_class(codes: list[int], negated: bool = False) -> re.Pattern[str]:
    """A character class of ``codes`` (or of all others) written as ranges: Python's ``re`` tests a class
    range by range, so a class of a few ranges scans text fast and one of thousands of singletons does not."""
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    body = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return re.compile(("[^" if negated else "[") + body + "]")


@cache
def _one_to_one_table() -> dict[int, str]:
    return {c: m for c, m in _per_character_table().items() if len(m) == 1}


@cache
def _composing_pairs() -> dict[str, str]:
    """Arabic letter + combining maddah/hamza pairs that NFKC composes into one letter (و + ٔ → ؤ)."""
    pairs = {}
    for base in range(0x0620, 0x06FF):
        for mark in "\u0653\u0654\u0655":
            pair = chr(base) + mark
            if len(unicodedata.normalize("NFC", pair)) == 1:
                pairs[pair] = normalize(pair)
    return pairs


@cache
def _length_changing() -> re.Pattern[str]:
    """Characters whose normalized form is not one character, and composing pairs (tried first)."""
    single = _char_class([c for c, m in _per_character_table().items() if len(m) != 1])
    return re.compile(f"{_MAYBE_COMPOSING}|{single.pattern}")


@cache
def _unusual() -> re.Pattern[str]:
    """Characters outside what Arabic news text is made of, or mapped by the general table only.

    Written as the complement of the few ranges of common characters, for speed.
    """
    return _char_class(_common_codes(), negated=True)


def _common_codes() -> list[int]:
    """Code points text is mostly made of: unchanged by normalization, or changed only by the cheap steps."""
    table = _per_character_table()
    handled = {ord(variant) for variant, _ in LETTER_VARIANTS} | {ord(d) for d in DIGITS}
    handled |= {ord(c) for c in DELETED}
    return [c for c in range(0x2100) if c not in table or c in handled]


# An Arabic letter followed by a combining maddah or hamza: NFKC may compose the two into one letter.
_MAYBE_COMPOSING = "[\u0620-\u06ff][\u0653-\u0655]"


_COMBINING_HAMZA_RE = re.compile("[\u0653-\u0655]")
# Deleted marks that never compose with the letter before them.
_LONE_DELETIONS = frozenset(DELETED) - {"\u0653", "\u0654", "\u0655"}


@cache
def _deleted_or_attention() -> re.Pattern[str]:
    """Deletable marks, and anything beyond letters, ASCII and punctuation that needs attention: unusual
    characters, Eastern digits, combining hamza. One scan for both lets the common text (where only deletions
    change the length) skip every other check."""
    rarer = {ord(d) for d in DIGITS} | {0x0653, 0x0654, 0x0655} | {ord(c) for c in DELETED}
    return _char_class([c for c in _common_codes() if c not in rarer], negated=True)


@cache
def _deleted_or_composing() -> re.Pattern[str]:
    return re.compile(f"{_MAYBE_COMPOSING}|{_DELETED_RE.pattern}")


def _map_one_to_one(text: str) -> str:
    """Letter variants and digits, which keep the length."""
    text = _replace_letters(text)
    if _DIGIT_RE.search(text):
        text = _DIGIT_RE.sub(lambda match: DIGITS[match.group()], text)
    return text


def normalize(text: str) -> str:
    """Normalized form of ``text`` for matching, hashing and comparing (idempotent)."""
    for char, fixed in CAMEL_UNICODE_FIXES.items():
        if char in text:
            text = text.replace(char, fixed)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = _DELETED_RE.sub("", text)
    text = _replace_letters(text)
    if _DIGIT_RE.search(text):
        text = text.translate(_LETTER_TABLE)
    if not unicodedata.is_normalized("NFKC", text):
        # A deleted mark can leave a base and a combining mark side by side that compose (idempotence).
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps positions in a normalized text back to the original text.

    ``breaks`` holds normalized positions where the shift changes; ``shifts[i]`` is what to add to a
    normalized position at or after ``breaks[i]`` (and before the next break) to get the original one.
    """

    breaks: tuple[int, ...]
    shifts: tuple[int, ...]

    def original(self, position: int) -> int:
        index = bisect_right(self.breaks, position) - 1
        return position + (self.shifts[index] if index >= 0 else 0)

    def originals(self, positions: list[int]) -> list[int]:
        """``original`` for many positions at once."""
        breaks, shifts = self.breaks, self.shifts
        if not breaks:
            return positions
        mapped = []
        for position in positions:
            index = bisect_right(breaks, position) - 1
            mapped.append(position + (shifts[index] if index >= 0 else 0))
        return mapped


def normalize_with_offsets(text: str) -> tuple[str, OffsetMap]:
    """Normalize character by character, keeping whitespace, with a map back to ``text``.

    Equal to ``normalize`` up to whitespace, except for combining marks separated from the letter they
    would compose with by other marks (NFKC reorders marks; here only adjacent pairs compose).
    """
    # The common case (letters, ASCII, punctuation, diacritics): only deletions change the length. Split at
    # them: the k-th deleted character starts a shift of k + 1 where the k-th piece ends in the normalized text.
    pieces = _deleted_or_attention().split(text)
    if len(pieces) == 1:
        return _replace_letters(text), OffsetMap((), ())
    breaks = tuple(accumulate(map(len, pieces[:-1])))
    for k, position in enumerate(breaks):
        if text[position + k] not in _LONE_DELETIONS:
            return _normalize_rarer(text, position + k)
    return _replace_letters("".join(pieces)), OffsetMap(breaks, tuple(range(1, len(breaks) + 1)))


def _normalize_rarer(text: str, attention: int) -> tuple[str, OffsetMap]:
    """``normalize_with_offsets`` of a text that needs attention from position ``attention`` on."""
    table = _per_character_table()
    if _unusual().search(text, attention):
        mapped = text.translate(_one_to_one_table())
        changing = _length_changing()
    else:
        mapped = _map_one_to_one(text)
        # Trying the letter-and-mark alternative at every letter is slow: only when such a mark occurs.
        combining = _COMBINING_HAMZA_RE.search(text, attention)
        changing = _deleted_or_composing() if combining else _DELETED_RE
    parts: list[str] = []
    breaks: list[int] = []
    shifts: list[int] = []
    normalized_length = 0
    last = 0
    for match in changing.finditer(mapped):
        start = match.start()
        parts.append(mapped[last:start])
        normalized_length += start - last
        found = text[start : match.end()]
        if len(found) == 2:
            # A composing pair becomes its letter; otherwise the mark is dropped and the letter mapped alone.
            replacement = _composing_pairs().get(found) or table.get(ord(mapped[start]), mapped[start])
        else:
            replacement = table[ord(found)]
        # Each character of an expansion points at the one original character it came from.
        for offset in range(len(replacement)):
            breaks.append(normalized_length + offset)
            shifts.append(start - normalized_length - offset)
        parts.append(replacement)
        normalized_length += len(replacement)
        last = match.end()
        breaks.append(normalized_length)
        shifts.append(last - normalized_length)
    parts.append(mapped[last:])
    return "".join(parts), OffsetMap(tuple(breaks), tuple(shifts))


@cache
def word_characters() -> npt.NDArray[np.bool_]:
    """For every code point, whether it is a letter or digit (a lookup table for numpy; built once, ~1 s)."""
    return np.fromiter((chr(code).isalnum() for code in range(sys.maxunicode + 1)), dtype=np.bool_)


@cache
def _case_exceptions() -> tuple[str, ...]:
    """Characters ``str.lower`` does not map to one character on its own: «İ» (two characters) and «Σ» (σ, or ς
    at the end of a word)."""
    return (*(chr(code) for code in _cased() if len(chr(code).lower()) != 1), "\u03a3")


@cache
def _cased() -> tuple[int, ...]:
    return tuple(code for code in range(sys.maxunicode + 1) if chr(code).lower() != chr(code))


@cache
def _lowercase_words() -> npt.NDArray[np.uint32]:
    """For every code point: its lowercase form when that is a letter or digit, else a space (built once)."""
    table = np.arange(sys.maxunicode + 1, dtype=np.uint32)
    for code in _cased():
        lowered = chr(code).lower()
        if len(lowered) == 1:
            table[code] = ord(lowered)
    return np.where(word_characters()[table], table, np.uint32(32)).astype(np.uint32)


@dataclass(frozen=True)
class NormalizedText:
    """A text with its character-wise normalized form and the map back: computed once per document
    and shared by boilerplate removal, entity tagging and alert matching."""

    original: str
    normalized: str
    offsets: OffsetMap

    @cached_property
    def words(self) -> str:
        """The normalized text lowercased, with every character that is not a letter or digit replaced by a
        space (same length): what term matching searches, so that it sees whole words only."""
        text = self.normalized
        if any(char in text for char in _case_exceptions()):
            codes = np.frombuffer(text.lower().encode("utf-32-le"), dtype=np.uint32)
            if len(codes) != len(text):  # lowercasing changed the length (e.g. "İ"): keep the case
                codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
            kept = np.where(word_characters()[codes], codes, np.uint32(32)).astype(np.uint32)
            return kept.tobytes().decode("utf-32-le")
        # Every other character lowercases to one character on its own: one table lookup each.
        return (
            _lowercase_words()[np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)].tobytes().decode("utf-32-le")
        )

    @classmethod
    def of(cls, text: str) -> NormalizedText:
        normalized, offsets = normalize_with_offsets(text)
        return cls(text, normalized, offsets)
