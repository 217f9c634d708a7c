"""Readings of a window that more than one context shares: where a place or a person the gazetteer knows ends, where
a person's name after a title ends, whether a body's field or a noun's owner follows."""

from __future__ import annotations

from marsad.topics.records import EntityType
from marsad.workers.stages.context.shapes import is_year
from marsad.workers.stages.context.vocabulary import Vocabulary
from marsad.workers.stages.context.window import Window
from marsad.workers.stages.context.words import (
    ANAPHORIC_FIELDS,
    CLITIC_GAIN,
    NAME_LINKS,
    PURPOSE_PREPOSITIONS,
    TIME_WORDS,
)


def known_end(vocabulary: Vocabulary, tokens: Window, position: int, kind: EntityType) -> int | None:
    """Where the entity of type ``kind`` the gazetteer knows at ``tokens[position]`` ends (a token index), if there
    is one."""
    token = tokens.get(position)
    if token is None or token.broken or not tokens.known:
        return None
    known = tokens.known.get(tokens.original(token.end - len(vocabulary.bare(token.word))))
    if known is None or known[1] != kind:
        return None
    position += 1
    while (following := tokens.get(position)) is not None and tokens.original(following.start) < known[0]:
        position += 1
    return position


def titled_name(vocabulary: Vocabulary, tokens: Window) -> int | None:
    """Where the name of a person after a title ends (a token index), the title at ``tokens[1]``: «مستشفى الملك
    حسين», «ملعب الأمير فيصل بن فهد», «مدينة الملك عبد الله»; none if no name word follows it."""
    position = 2
    if tokens[position].word == "عبد":  # «عبد» and the name of God it joins: «عبد الله», «عبد العزيز»
        position += 1
    while True:
        token = tokens.get(position)
        if token is None or token.broken or not vocabulary.name_word(token):
            return None
        link = tokens.get(position + 1)
        if link is None or link.broken or link.word not in NAME_LINKS or link.word == "عبد":
            return position + 1
        position += 2  # «بن فهد»


def starts_field(vocabulary: Vocabulary, tokens: Window, position: int) -> bool:
    """Whether ``tokens[position]`` starts a body's field: «للنقل», or ل + a noun its next word owns («لصياغة
    وصناعة الذهب», «لكرة القدم»)."""
    token, owner = tokens.get(position), tokens.get(position + 1)
    if token is None or token.broken:
        return False
    if token.word.startswith("لل"):
        return token.word not in ANAPHORIC_FIELDS and (owner is None or owner.word not in PURPOSE_PREPOSITIONS)
    return (
        token.word.startswith("ل")
        and owner is not None
        and not owner.broken
        and owner.word.startswith(("ال", "و"))
        and (
            token.word == "لشؤون"  # a field so frequent that the lexicon and known names have it as a word
            or (
                token.word not in vocabulary.name_words
                and vocabulary.frequencies.get(token.word[1:], 0.0) - vocabulary.frequencies.get(token.word, 0.0)
                >= CLITIC_GAIN
            )
        )
    )


def owned(vocabulary: Vocabulary, tokens: Window, position: int) -> bool:
    """Whether ``tokens[position]`` is «و» + a noun the next definite word owns («وصناعة الذهب»)."""
    token = tokens.get(position)
    if (
        token is None
        or not token.word.startswith("و")
        or token.word.startswith("وال")
        or token.word[1:] in vocabulary.heads
    ):
        return False  # «حزب الخضر وحزب اليسار»: «و» and a head start another body
    owner = tokens.get(position + 1)
    return (
        owner is not None
        and not owner.broken
        and owner.word.startswith("ال")
        # و + a noun, as the frequencies say, or a word too rare to tell («وتقانة»); not a name («وديع»)
        and vocabulary.frequencies.get(token.word[1:], 0.0) - vocabulary.frequencies.get(token.word, 0.0)
        >= (CLITIC_GAIN if token.word in vocabulary.frequencies else 0.0)
    )


def general_adjective(tokens: Window, position: int) -> bool:
    """Whether «العام» after a body's definite word is its adjective («مديرية الأمن العام»), not a time («وزارة
    الصحة العام الماضي»)."""
    following = tokens.get(position + 1)
    return (
        tokens[position].word == "العام"
        and tokens[position - 1].word.startswith("ال")
        and (following is None or following.broken or not (following.word in TIME_WORDS or is_year(following.word)))
    )
