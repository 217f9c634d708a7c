"""Whether a word may be a word of a person's name: a surname after a given name, a word of a transliterated name,
a name word after a nationality; not a noun, a verb or an adjective that follows a name."""

from __future__ import annotations

from marsad.workers.stages.context.shapes import plural_nisba
from marsad.workers.stages.context.vocabulary import Vocabulary
from marsad.workers.stages.context.window import Token, Window
from marsad.workers.stages.context.words import COMMON_ZIPF, KNOWN_ZIPF, NAME_LINKS, PLACE_ZIPF, RARE_ZIPF


def names_on(vocabulary: Vocabulary, tokens: Window, position: int) -> bool:
    """Whether the word after ``tokens[position]`` goes on with a name: a link or an indefinite name word."""
    following = tokens.get(position + 1)
    return following is not None and (
        following.word in NAME_LINKS or (vocabulary.name_word(following) and not following.word.startswith("ال"))
    )


def definite_surname(vocabulary: Vocabulary, tokens: Window, surname: Token) -> bool:
    """Whether ``surname`` is a rare definite word that is no known name and no feminine noun; a nationality after a
    given name is a family name («نبيل القدسي»)."""
    return not (
        surname.broken
        or vocabulary.frequencies.get(surname.word, 0.0) >= RARE_ZIPF
        or surname.word in vocabulary.enders
        or surname.word in vocabulary.triggers
        or surname.word.endswith("ه")  # a feminine noun or adjective («غير النفطية»), not a family name
        or (surname.word[-1] == "ا" and tokens.accusative(surname))
        or tokens.original(surname.start) in tokens.known
    )


def surname_word(vocabulary: Vocabulary, tokens: Window, position: int, rare: float = RARE_ZIPF) -> bool:
    """Whether ``tokens[position]`` is an indefinite word of a name after a given name: a known name word or a rare
    word, not a function word, a title, a nationality, a verb or a noun after a proclitic («أحمد ولقاء»), an
    accusative («سالم وفداً»)."""
    token = tokens.get(position)
    if token is None or not vocabulary.name_word(token) or token.word in NAME_LINKS or vocabulary.title(token.word):
        return False
    word = token.word
    frequency = vocabulary.frequencies.get(word, 0.0)
    known = word in vocabulary.name_words or word in vocabulary.given_names
    return (
        not word.startswith("ال")
        and (frequency < rare or (known and frequency < COMMON_ZIPF and position == 1))
        and f"ال{word}" not in vocabulary.nationalities
        and not plural_nisba(word, vocabulary.frequencies)
        and not (word[0] in "وفبلك" and not known and vocabulary.frequencies.get(word[1:], 0.0) >= KNOWN_ZIPF)
        and not (word[0] == "و" and not known and position > 1)  # «سامر حداد وزملاؤه»: «و» joins another
        and not future_verb(vocabulary, word)
        and not possessed(vocabulary, word)
        # an accusative («وفداً»), written with its ending or not («مديرا» is «مدير»)
        and not (
            word[-1] == "ا"
            and (tokens.accusative(token) or (not known and vocabulary.frequencies.get(word[:-1], 0.0) > frequency))
        )
        and tokens.original(token.start) not in tokens.known
    )


def owned_by(vocabulary: Vocabulary, tokens: Window, position: int) -> bool:
    """Whether ``tokens[position]`` is a noun (the lexicon knows it with the article too) and a definite word
    follows it at once, which owns it («يقلب سليم قوجة قوالب الصابون»), not a name before the verb's object
    («وحضر خوان كارلوس مارتينيز المباراة»)."""
    following = tokens.get(position + 1)
    return (
        vocabulary.frequencies.get(f"ال{tokens[position].word}", 0.0) >= KNOWN_ZIPF
        and following is not None
        and not following.broken
        and following.word.startswith(("ال", "لل"))
    )


def possessed(vocabulary: Vocabulary, word: str) -> bool:
    """Whether ``word`` is a noun the lexicon knows and a possessive pronoun: «طاقته», «حكومتها», «كتابهم»."""
    for suffix in ("هما", "ها", "هم", "ه"):
        stem = word.removesuffix(suffix)
        if stem != word and len(stem) >= 3:
            # «طاقة» + «ه» is written «طاقته»; a bare noun takes the plural and feminine pronouns («كتابها»).
            if stem[-1] == "ت" and vocabulary.frequencies.get(f"{stem[:-1]}ه", 0.0) >= KNOWN_ZIPF:
                return True
            if suffix != "ه" and vocabulary.frequencies.get(stem, 0.0) >= KNOWN_ZIPF:
                return True
    return False


def future_verb(vocabulary: Vocabulary, word: str) -> bool:
    """Whether ``word`` is «س» and a present verb the lexicon knows («ستمثل», «سيعود»), not a name («سيرغي»)."""
    present = word[1:]
    return (
        len(word) >= 5
        and word[0] == "س"
        and present[0] in "يتنا"
        and vocabulary.frequencies.get(present, 0.0) >= KNOWN_ZIPF
    )


def foreign_name_word(vocabulary: Vocabulary, word: str, first: bool) -> bool:
    """A word that may be part of a name after a nationality: a known name word, or a word that is not common,
    has no pronoun after it («عملياتها») and, first in the name, is no proclitic and a known word («وتشجيع»)."""
    if word in vocabulary.name_words:
        return True
    return (
        vocabulary.frequencies.get(word, 0.0) < COMMON_ZIPF
        and not word.endswith(("ها", "هم"))
        # «وتشجيع» is و + a word the lexicon knows; «فابينيو» is a name
        and not (first and word[0] in "وفبلك" and vocabulary.frequencies.get(word[1:], 0.0) >= KNOWN_ZIPF)
    )


def foreign_word(vocabulary: Vocabulary, tokens: Window, position: int) -> bool:
    """Whether ``tokens[position]`` may continue a transliterated name: an indefinite word, not a common one, with
    no proclitic before a known word («وقعت») and no accusative ending («اتفاقاً»)."""
    token = tokens.get(position)
    if token is None or not vocabulary.name_word(token) or token.word.startswith("ال"):
        return False
    word = token.word
    return (
        vocabulary.frequencies.get(word, 0.0) < PLACE_ZIPF
        and not (word[0] in "وفبلك" and vocabulary.frequencies.get(word[1:], 0.0) >= RARE_ZIPF)
        and not (word[-1] == "ا" and tokens.accusative(token))
        and tokens.original(token.start) not in tokens.known
    )
