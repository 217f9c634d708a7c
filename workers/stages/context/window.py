"""The words of a body as tokens, read lazily from a trigger on, and the spans of names found among them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from marsad.topics.records import EntityType
from marsad.workers.stages.normalize import NormalizedText

_TANWEEN_FATH = "\u064b"
_COMMAS = frozenset({"،", ","})
WORD = re.compile(r"\S+")


class Token(NamedTuple):  # a tuple: a body has dozens and a frozen dataclass is slow to build
    start: int
    end: int
    word: str
    broken: bool  # punctuation between this token and the one before


class Span(NamedTuple):
    tokens: tuple[Token, ...]
    kind: EntityType
    canonical: Token  # the canonical name starts at this token
    name: str | None = None  # the canonical name, when it is not the text from there («المنتخب العراقي»)


class Window:
    """The words of a body from one token on, read only as far as they are asked for: contexts are rare and
    short, so most of a body is never split into tokens."""

    def __init__(self, body: NormalizedText, first: Token, known: Mapping[int, tuple[int, EntityType]]) -> None:
        self._body = body
        self.known = known  # the gazetteer's names in the original body: start -> (end, type)
        self._tokens = [first]
        self._rest = WORD.finditer(body.words, first.end)

    def get(self, index: int) -> Token | None:
        while index >= len(self._tokens):
            match = next(self._rest, None)
            if match is None:
                return None
            self._tokens.append(token_at(self._body, match.start(), match.end(), self._tokens[-1].end))
        return self._tokens[index]

    def __getitem__(self, index: int) -> Token:
        token = self.get(index)
        if token is None:
            raise IndexError(index)
        return token

    def original(self, position: int) -> int:
        return self._body.offsets.original(position)

    def before(self) -> str:
        """The word before the first token, if no punctuation is between them."""
        return word_before(self._body.words, self._tokens[0])

    def unbroken(self, token: Token) -> Window:
        """The words from ``token`` on, read as if no punctuation were before it (a name after a comma)."""
        return Window(self._body, token._replace(broken=False), self.known)

    def comma(self, token: Token) -> bool:
        """Whether a comma alone is between the token and the word before it (an apposition: «الوزير، أيمن …»)."""
        previous = self._body.words.rfind(" ", 0, token.start)
        while previous > 0 and self._body.words[previous - 1] == " ":
            previous -= 1
        return self._body.normalized[previous : token.start].strip() in _COMMAS

    def hamza(self, token: Token) -> bool:
        """Whether the word is written with a hamza on its first alef («إلياس»): no article, though it normalizes so."""
        return self._body.original[self.original(token.start)] in "أإآ"

    def written_last(self, token: Token) -> str:
        """The word's last letter as the body writes it: «علي» the name ends in ي, «على» the preposition in ى (both
        normalize to «علي»)."""
        return self._body.original[self.original(token.end - 1)]

    def accusative(self, token: Token) -> bool:
        """Whether the word carries the accusative ending «ـاً» («وفداً»): an indefinite noun, not a name (asked only
        of a word that ends in ا)."""
        start, last = self._body.offsets.originals([token.start, token.end - 1])
        return _TANWEEN_FATH in self._body.original[start : last + 2]

    def span(self, first: int, end: int, kind: EntityType, canonical: int) -> Span:
        return Span(tuple(self._tokens[first:end]), kind, self._tokens[canonical])


def token_at(body: NormalizedText, start: int, end: int, previous_end: int | None = None) -> Token:
    """The word at ``body.words[start:end]``; ``previous_end``: where the word before it ends, when known."""
    if previous_end is None:
        previous_end = start
        while previous_end > 0 and body.words[previous_end - 1] == " ":
            previous_end -= 1
    word = body.words[start:end]
    return Token(start, end, word, bool(body.normalized[previous_end:start].strip()))


def word_before(words: str, token: Token) -> str:
    """The word before ``token`` in ``words``, if no punctuation is between them."""
    previous = words.rfind(" ", 0, max(0, token.start - 1))
    word = words[previous + 1 : max(0, token.start - 1)]
    return "" if token.broken or " " in word else word
