"""Events (MISC) named from the words around them: the head of an event, «كأس»، «دوري»، «بطولة»، «أولمبياد»،
«مهرجان» and what names it («كأس العالم 2026»); a war, an election, a treaty, a plan or a prize named by a place, a
proper name, a year or a month («حرب أكتوبر», «انتخابات 2026», «معاهدة فرساي»); a law by a verbal noun and its object
(«قانون حماية المستهلك»); a summit by who meets («القمة العربية»); a meeting named by a place, a proper name or its
subject and year («منتدى دافوس»)."""

from __future__ import annotations

from marsad.workers.stages.context.name_words import possessed
from marsad.workers.stages.context.phrases import general_adjective, known_end, starts_field, titled_name
from marsad.workers.stages.context.shapes import care_noun, is_year, nisba, verbal_noun
from marsad.workers.stages.context.vocabulary import Vocabulary
from marsad.workers.stages.context.window import Span, Window
from marsad.workers.stages.context.words import (
    COMPOUND_PLACE_WORDS,
    DEFINITE_EVENT_HEADS,
    KNOWN_ZIPF,
    ORDINALS,
    RARE_ZIPF,
)

_LAW = "قانون"
# A summit named by the states that meet: «القمة العربية», «القمة الخليجية», «القمة الأمريكية الصينية» (with the
# nationalities), not «القمة الثلاثية».
_SUMMITS = frozenset({"العربيه", "الاسلاميه"})
# «الحرب العالمية الثانية», «الحرب الباردة», «الحرب الأهلية اللبنانية»: what follows «الحرب» in a war's name, and
# whether an ordinal or a nationality must follow that.
_WARS = {"العالميه": "ordinal", "الاهليه": "nationality", "البارده": ""}
# Wars and uprisings are also named by the month they began in: «حرب تشرين», «ثورة يناير».
_UPRISINGS = frozenset({"حرب", "ثوره", "انتفاضه"})
_WORLD = "العالم"  # names a championship as a place does
# A league's rank is part of its name: «الدوري الإنجليزي الممتاز».
_EVENT_RANKS = frozenset({"الممتاز", "الممتازه"})
# Competitions named by a word and their country: «دوري نجوم العراق», «كأس ملك إسبانيا».
_CUP_HEADS = frozenset({"دوري", "كاس"})
# «بطولة» is also heroism, «رؤية» a view, «اتفاقية التعاون» any agreement: an event (or a plan: «رؤية 2030», a
# treaty: «اتفاقية باريس للمناخ») only before a place, a proper name or a year. («اتفاق غزة» is more often an
# agreement about the place than one named by it: «اتفاق» is no head.)
_AMBIGUOUS_EVENT_HEADS = frozenset(
    {"بطوله", "رؤيه", "اتفاقيه", "حرب", "ثوره", "انتفاضه", "انتخابات", "معاهده", "ميثاق", "خطه", "مبادره", "جائزه"}
)
# Plans, initiatives, charters and prizes that a known place or person follows are theirs, not named by them.
_OWNED_EVENT_HEADS = frozenset({"خطه", "مبادره", "ميثاق", "جائزه"})


def event(vocabulary: Vocabulary, tokens: Window, head: str) -> Span | None:
    """The event (MISC) named by the head ``head`` at ``tokens[0]`` and the words after it."""
    position = 1
    named = False  # a place, a proper name or a year names the event
    if head == _LAW and (subject := _law_subject(vocabulary, tokens)) is not None:
        return tokens.span(0, subject, "MISC", 0)
    if (
        head in _OWNED_EVENT_HEADS
        and (owner := tokens.get(1)) is not None
        and not owner.broken
        and tokens.original(owner.end - len(vocabulary.bare(owner.word))) in tokens.known
    ):
        return None  # «خطة سلطنة عمان», «مبادرة ترامب»: whose plan, not its name
    if head in DEFINITE_EVENT_HEADS:
        # «الدوري الإسباني»: a nationality; «دورة الألعاب الآسيوية»: a definite word and a relation adjective.
        first, second = tokens.get(1), tokens.get(2)
        if head in ("الحرب", "الانتخابات", "القمه"):
            return _definite_event(vocabulary, tokens, head)
        if head == "الدوري":
            if first is None or first.broken or first.word not in vocabulary.nationalities:
                return None
        elif head == "البطوله":  # a championship by its adjective and its sport: «البطولة العربية لألعاب القوى»
            if first is None or first.broken or not (first.word.startswith("ال") and nisba(first.word)):
                return None
            if not starts_field(vocabulary, tokens, 2):
                return None
        elif not (
            first is not None
            and second is not None
            and not (first.broken or second.broken)
            and first.word.startswith("ال")
            and second.word.startswith("ال")
            and nisba(second.word)
        ):
            return None
    elif (champions := tokens.get(1)) is not None and champions.word == "ابطال" and not champions.broken:
        position = 2  # «دوري أبطال آسيا»
    while position < 6 and (token := tokens.get(position)) is not None and not token.broken:
        word = token.word
        if (
            named
            and word.startswith("ل")
            and not word.startswith("لل")
            and (sport := tokens.get(position + 1)) is not None
            and not sport.broken
            and sport.word.startswith("ال")
        ):
            position += 2  # «كأس مصر لكرة اليد»
            continue
        if named and not (
            word.startswith("لل") or (word.startswith("ال") and nisba(word)) or is_year(word) or word in _EVENT_RANKS
        ):
            break  # once named, only relation adjectives, «لل…» and a year follow («مهرجانات بعلبك الدولية»)
        if (place := known_end(vocabulary, tokens, position, "LOC")) is not None:
            position, named = place, True
        elif (
            word in COMPOUND_PLACE_WORDS
            and (rest := tokens.get(position + 1)) is not None
            and not rest.broken
            and rest.word not in vocabulary.enders
        ):
            position, named = position + 2, True  # «مهرجانات بيت الدين»: a compound place name
        elif (
            position == 1
            and head in _CUP_HEADS
            and not word.startswith(("ال", "لل", "و"))
            and (place := known_end(vocabulary, tokens, position + 1, "LOC")) is not None
        ):
            position, named = place, True  # «دوري نجوم العراق», «كأس ملك إسبانيا»: a word, then the place
        elif is_year(word) or (position == 1 and head in _UPRISINGS and word in vocabulary.months):
            position, named = position + 1, True
            break
        elif position == 1 and head == "كاس" and vocabulary.title(word):
            position, named = titled_name(vocabulary, tokens) or 2, True  # «كأس الملك», «كأس السلطان قابوس»
        elif position == 1 and word == _WORLD:
            position, named = 2, True  # «بطولة العالم لألعاب القوى», as «بطولة آسيا»
        elif (
            word.startswith(("ال", "لل"))
            and (word not in vocabulary.enders or general_adjective(tokens, position))
            and not vocabulary.title(word)
            and word not in vocabulary.triggers
            # «قانون الاستثمار الجديد»; «قانون الدين العام» is named by its adjective
            and not (head == _LAW and position > 1 and not (nisba(word) or word == "العام"))
        ):
            position += 1
        elif (
            position > 1  # «قانون لمعالجة الفجوة»: a purpose, not a name
            and word.startswith("ل")
            and word not in vocabulary.enders  # «للمرة الثالثة»
            and (field := tokens.get(position + 1))
            and field.word.startswith("ال")
        ):
            position += 2  # «كأس العالم لكرة السلة»
        elif (
            position == 1
            and vocabulary.name_word(token)
            and vocabulary.frequencies.get(word, 0.0) < RARE_ZIPF
            # «قانون موازنة الدفاع»: a noun and its owner say what the law is about, not its name
            and not (head == _LAW and (owner := tokens.get(2)) is not None and owner.word.startswith("ال"))
            and not vocabulary.describes(word, head)  # «ثورة تكنولوجية»: an adjective, no name
            and not possessed(vocabulary, word)  # «مشروع قانون قدمته الحكومة»: a word and its pronoun, no name
            # «خطة لتوسعة الطريق»: a purpose, ل + a noun, no name; «حرب وموجود»: و + a word
            and not (word[0] in "لبوف" and vocabulary.frequencies.get(word[1:], 0.0) >= KNOWN_ZIPF)
            # a proper name seldom takes the article: «مرتقب» is an adjective, «فرساي» a name
            and not (head in _AMBIGUOUS_EVENT_HEADS and vocabulary.frequencies.get(f"ال{word}", 0.0) >= KNOWN_ZIPF)
        ):
            position, named = position + 1, True  # «دوري روشن»
        else:
            break
    if position == 1 or (head in _AMBIGUOUS_EVENT_HEADS and not named):
        return None
    return tokens.span(0, position, "MISC", 0)


def _law_subject(vocabulary: Vocabulary, tokens: Window) -> int | None:
    """Where a law's title made of a verbal noun and its object ends: «قانون حماية المستهلك», «قانون تنظيم
    الإعلام المرئي»; not a noun and its owner («قانون موازنة الدفاع»)."""
    action, thing = tokens.get(1), tokens.get(2)
    if (
        action is None
        or thing is None
        or action.broken
        or thing.broken
        or not (verbal_noun(action.word) or care_noun(action.word))
        or not thing.word.startswith("ال")
        or thing.word in vocabulary.enders
        or thing.word in vocabulary.triggers
    ):
        return None
    end = 3
    while end < 5 and (token := tokens.get(end)) is not None and not token.broken and nisba(token.word):
        end += 1
    return end


def _definite_event(vocabulary: Vocabulary, tokens: Window, head: str) -> Span | None:
    """A war by its kind («الحرب العالمية الثانية», «الحرب الأهلية اللبنانية», «الحرب الباردة»), elections by
    their year or country («الانتخابات البرلمانية 2026», «الانتخابات العراقية»), a summit by who meets («القمة
    العربية»); not any war or elections («الحرب الأهلية», «الانتخابات المقبلة»)."""
    first = tokens.get(1)
    if first is None or first.broken:
        return None
    if head == "القمه":
        end = 1
        while (
            (token := tokens.get(end)) is not None
            and not token.broken
            and (token.word in _SUMMITS or token.word in vocabulary.nationalities)
        ):
            end += 1
        if end > 1 and (year := tokens.get(end)) is not None and not year.broken and is_year(year.word):
            end += 1
        return tokens.span(0, end, "MISC", 0) if end > 1 else None
    if head == "الحرب":
        if first.word not in _WARS:
            return None
        second = tokens.get(2)
        needed = _WARS[first.word]
        if not needed:
            return tokens.span(0, 2, "MISC", 0)
        if second is None or second.broken:
            return None
        if (needed == "ordinal" and second.word in ORDINALS) or (
            needed == "nationality" and second.word in vocabulary.nationalities
        ):
            return tokens.span(0, 3, "MISC", 0)
        return None
    position, national = 1, False  # elections named by their country too: «الانتخابات البرلمانية العراقية»
    while (token := tokens.get(position)) is not None and not token.broken and position < 4:
        if is_year(token.word):
            return tokens.span(0, position + 1, "MISC", 0)
        if not (token.word.startswith("ال") and nisba(token.word)):
            break
        national = national or token.word in vocabulary.nationalities
        position += 1
    return tokens.span(0, position, "MISC", 0) if national else None


def meeting(vocabulary: Vocabulary, tokens: Window, head: str) -> Span | None:
    """A meeting named by the place it is held in, with its relation adjectives and year («معرض دمشق الدولي»); not
    a mountain's peak («قمة جبل الشيخ») nor a course («في معرض حديثه»)."""
    place = tokens.get(1)
    end = known_end(vocabulary, tokens, 1, "LOC")
    if end is None and place is not None and not place.broken:
        end = _meeting_name(vocabulary, tokens, head)
    if end is None or place is None or (head == "قمه" and place.word == "جبل"):
        return None
    while (
        (token := tokens.get(end)) is not None
        and not token.broken
        and ((token.word.startswith("ال") and nisba(token.word)) or is_year(token.word))
    ):
        end += 1
    return tokens.span(0, end, "MISC", 0)


def _meeting_name(vocabulary: Vocabulary, tokens: Window, head: str) -> int | None:
    """Where a meeting named by no known place ends: by a proper name («منتدى دافوس»: a rare word that is no
    adjective), or by its year and the subject before it («مؤتمر الأطراف 2025»)."""
    name = tokens[1]
    word = name.word
    if (
        vocabulary.name_word(name)
        and not word.startswith(("ال", "لل", "و"))
        and vocabulary.frequencies.get(word, 0.0) < RARE_ZIPF
        and not (word[-1] == "ا" and tokens.accusative(name))
        and not vocabulary.describes(word, head)
        and not nisba(f"ال{word}")
        and vocabulary.frequencies.get(f"ال{word}", 0.0) < KNOWN_ZIPF  # «قمة مرتقب»: an adjective, no name
    ):
        return 2
    position = 1
    while (token := tokens.get(position)) is not None and not token.broken and position < 5:
        if is_year(token.word):
            return position + 1  # «إكسبو 2030», «مؤتمر الأطراف 2025»
        if not token.word.startswith("ال") or token.word in vocabulary.enders or token.word in vocabulary.triggers:
            return None
        position += 1
    return None
