"""Places named from the words around them: a settlement word («مدينة»، «بلدة»، «قرية»، «محافظة»، «قضاء»، «ولاية»، «حي»،
«ملعب») whose name follows (part of the mention, not of the canonical name), or a facility word («ميناء»، «مطار»، «قصر»،
«مستشفى»، «كنيسة»، «دير»، «حقل»، «بحيرة»، «شارع»، «ساحة»، «جبل»، «سوق»، «معمل») that is part of both, also with a title
and a person («مستشفى الملك حسين»); the first word of a compound place name («كفر نبل», «عين التينة»)."""

from __future__ import annotations

from marsad.workers.stages.context.phrases import known_end, titled_name
from marsad.workers.stages.context.shapes import feminine, nisba, verbal_noun
from marsad.workers.stages.context.vocabulary import Vocabulary
from marsad.workers.stages.context.window import Span, Window
from marsad.workers.stages.context.words import (
    CLITIC_GAIN,
    COMPOUND_PLACE_WORDS,
    PLACE_ZIPF,
    PREPOSITIONS,
    RARE_ZIPF,
    SIZE_ADJECTIVES,
)

_STADIUM = "ملعب"
# A settlement word that is also a term of office: «ولاية الرئيس» is his term, no place named by a title.
_TERMS_OF_OFFICE = frozenset({"ولايه"})
_PLACE_PREPOSITIONS = frozenset({"في", "الي", "من", "قرب", "نحو", "باتجاه", "حتي", "عند"})
# A settlement word that is also an adjective («شركة محلية»): a trigger only after a preposition or «و».
_ADJECTIVE_TRIGGERS = frozenset({"محليه"})


def place(vocabulary: Vocabulary, tokens: Window, trigger: str) -> Span | None:
    """The place named after the settlement or facility word ``trigger`` at ``tokens[0]``."""
    facility = trigger in vocabulary.facilities
    name = tokens.get(1)
    if name is None or name.broken or tokens.original(tokens[0].end - len(trigger)) in tokens.known:
        return None  # «دير الزور الشرقي»: the trigger starts a known place
    if trigger in _ADJECTIVE_TRIGGERS and tokens[0].word == trigger and tokens.before() not in _PLACE_PREPOSITIONS:
        return None  # «شركة محلية نفذته»: the adjective «local», no Sudanese district
    # A compound's first word may be a function word elsewhere («أم قصر»: «أم» is also «or»), or a title («حي
    # الشيخ رضوان», «حي السيدة زينب»).
    titled = vocabulary.title(name.word) and trigger not in _TERMS_OF_OFFICE
    compound = name.word in COMPOUND_PLACE_WORDS or titled
    # A facility or a stadium named by a person keeps its word: «مستشفى رفيق الحريري», «ملعب الملك فهد».
    by_person = facility or trigger == _STADIUM
    person = known_end(vocabulary, tokens, 1, "PER")
    if person is not None:  # «ولاية ترامب» is a term, no place
        return tokens.span(0, person + _agrees(vocabulary, tokens, person, trigger), "LOC", 0) if by_person else None
    if (
        not (compound or vocabulary.name_word(name))
        or (name.word[-1] == "ا" and tokens.accusative(name))
        or name.word.startswith("لل")  # «جسر للطاقة»: what the facility is for
        or (  # «محطة لتحلية المياه»: ل + a noun, what it is for
            name.word[0] == "ل"
            and name.word not in vocabulary.places
            and (
                verbal_noun(name.word[1:])
                or vocabulary.frequencies.get(name.word[1:], 0.0) - vocabulary.frequencies.get(name.word, 0.0)
                >= CLITIC_GAIN
            )
        )
        or (not compound and name.word not in vocabulary.places and vocabulary.describes(name.word, trigger))
    ):
        return None  # «قرية مجاورة», «مدينة ساحلية»: an agreeing adjective describes the place
    if (
        not compound
        and nisba(f"ال{name.word}")
        and name.word not in vocabulary.places
        and vocabulary.frequencies.get(f"ال{name.word}", 0.0) > 0.0
    ):
        return None  # «حي سكني», «مطار عسكري»: an indefinite adjective describes the place, not names it
    if facility and (end := _facility_place(vocabulary, tokens)) is not None:
        return tokens.span(0, end + _agrees(vocabulary, tokens, end, trigger), "LOC", 0)
    # A frequent word is a common one («قرية بعيدة», «مرفأ المدينة»), unless it is a known place's name or an
    # agreeing adjective makes it a facility's name («مستشفى الحسين التعليمي»).
    if (
        not compound
        and name.word not in vocabulary.places
        # A facility is named after a person or a place, not by a common noun («محطة كهرباء»).
        and vocabulary.frequencies.get(name.word, 0.0) >= (RARE_ZIPF if facility else PLACE_ZIPF)
        and not (facility and _agrees(vocabulary, tokens, 2, trigger))
        and not (trigger == "محافظه" and _governorate(tokens))
    ):
        return None
    if facility and name.word.endswith("ات") and name.word not in vocabulary.places:
        return None  # «محطة حاويات»: an indefinite plural is what the facility holds, not its name
    if compound:
        rest = tokens.get(2)
        # A settlement word ends the name; a facility word may be part of it («ميناء أم قصر»).
        if rest is None or rest.broken or rest.word in vocabulary.enders or rest.word in vocabulary.settlements:
            return None
        end = titled_name(vocabulary, tokens) if titled else 3
        if end is None:
            return None
        agrees = by_person and _agrees(vocabulary, tokens, end, trigger)
        return tokens.span(0, end + agrees, "LOC", 0 if facility or (titled and by_person) else 1)
    # «مطار أربيل الدولي», «ميناء الفاو الكبير»: a facility keeps one definite relation or size adjective (not
    # «مرفأ جبيل القديم») that agrees with it: «مهرجان قلعة مصياف السنوي» is the festival's.
    if facility and _agrees(vocabulary, tokens, 2, trigger):
        return tokens.span(0, 3, "LOC", 0)
    return tokens.span(0, 2, "LOC", 0 if facility else 1)


def _agrees(vocabulary: Vocabulary, tokens: Window, position: int, trigger: str) -> bool:
    """Whether ``tokens[position]`` is a definite relation or size adjective that agrees with the facility word
    ``trigger`` (not «مرفأ جبيل القديم»; «مهرجان قلعة مصياف السنوي» is the festival's)."""
    adjective = tokens.get(position)
    return (
        adjective is not None
        and not adjective.broken
        and (
            adjective.word in SIZE_ADJECTIVES
            or (
                adjective.word.startswith("ال")
                and nisba(adjective.word)
                and vocabulary.frequencies.get(adjective.word, 0.0) >= RARE_ZIPF
                and adjective.word not in vocabulary.enders
            )
        )
        and feminine(adjective.word) == feminine(trigger)
    )


def _facility_place(vocabulary: Vocabulary, tokens: Window) -> int | None:
    """Where a facility named by a known place ends: «مستشفى مبارك الكبير», or a common noun of the place
    «محمية شاطئ صور» (a token index)."""
    name = tokens[1]
    end = known_end(vocabulary, tokens, 1, "LOC")
    if end is None and not name.word.startswith(("ال", "لل", "و")) and name.word not in COMPOUND_PLACE_WORDS:
        end = known_end(vocabulary, tokens, 2, "LOC")
    return end


def _governorate(tokens: Window) -> bool:
    """Whether a definite word after «محافظة» names the governorate («محافظة الوسطى»): not «محافظة الحكومة
    على الدعم», where «محافظة» is keeping."""
    name, following = tokens[1], tokens.get(2)
    return name.word.startswith("ال") and (following is None or following.word not in PREPOSITIONS)


def compound(vocabulary: Vocabulary, tokens: Window, trigger: str) -> Span | None:
    """A compound place name that no trigger announces: «كفر نبل», «تل رفعت», and «عين التينة» after a
    preposition (not «عين اليقين»); its second word is rare, not a common one («عين المكان»)."""
    name = tokens.get(1)
    if (
        name is None
        or not vocabulary.name_word(name)
        or (vocabulary.frequencies.get(name.word, 0.0) >= RARE_ZIPF and name.word not in vocabulary.places)
        or (name.word[-1] == "ا" and tokens.accusative(name))
    ):
        return None
    if trigger == "عين" and tokens.before() not in _PLACE_PREPOSITIONS:
        return None
    return tokens.span(0, 2, "LOC", 0)
