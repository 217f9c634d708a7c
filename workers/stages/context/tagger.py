"""Names nobody listed, recognised from the words around them: one pass over a body's normalized words finds the
words that announce a name (``words``), and each context reads the name that follows (``persons``,
``organisations``, ``places``, ``events``); names found so are found again later in the body (``mentions``).
Everything stops at punctuation and at stop words."""

from __future__ import annotations

import re
from collections.abc import Sequence

import ahocorasick

from marsad.topics.records import Entity
from marsad.workers.stages.context.events import event, meeting
from marsad.workers.stages.context.mentions import later_mentions
from marsad.workers.stages.context.name_words import foreign_name_word
from marsad.workers.stages.context.organisations import (
    GENERAL_HEADS,
    announced,
    named_body,
    national_team,
    organisation,
)
from marsad.workers.stages.context.persons import coordinated, given, named_before, person, speaker
from marsad.workers.stages.context.places import compound, place
from marsad.workers.stages.context.vocabulary import Vocabulary
from marsad.workers.stages.context.window import Span, Window, token_at, word_before
from marsad.workers.stages.context.words import (
    COMMON_ZIPF,
    COMPOUND_TRIGGERS,
    DEFINITE_EVENT_HEADS,
    MARKS,
    MEETING_HEADS,
    NATIONAL_TEAM,
    PLACE_ZIPF,
    PROCLITICS,
    RARE_ZIPF,
)
from marsad.workers.stages.normalize import NormalizedText

_SAYING, _GIVEN = 1, 2  # kinds of automaton hits told from the next word
_APPOSED = re.compile(r"\S+(?: \S+){0,3}  +(?:وهو|وهي) ")


class ContextTagger:
    """Tags names from their context, with the words of ``vocabulary``."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self._vocabulary = vocabulary
        # Every trigger after every proclitic, as a whole word: one pass over a body finds the candidates. The value:
        # the word's length and its kind (``_SAYING``, ``_GIVEN``: told from the next word before anything is built).
        self._automaton = ahocorasick.Automaton()
        for trigger in vocabulary.triggers:
            kind = _SAYING if trigger in vocabulary.sayings else 0
            for prefix in ("", *PROCLITICS):
                self._automaton.add_word(f" {prefix}{trigger} ", (len(prefix) + len(trigger), kind))
            if trigger.startswith("ال"):  # ل + ال drops the alef («للهيئة») and, before a ل, one lam too («للجنة»)
                dative = f"ل{trigger[1:]}" if trigger[2] == "ل" else f"لل{trigger[2:]}"
                self._automaton.add_word(f" {dative} ", (len(dative), 0))
        # A known given name before a surname («سالم الدوسري», «أحمد هشام»).
        for given_name in vocabulary.given_names - vocabulary.triggers:
            for prefix in ("", *PROCLITICS):
                self._automaton.add_word(f" {prefix}{given_name} ", (len(prefix) + len(given_name), _GIVEN))
        # A nationality before a person's name («البرازيلي مالكوم»), as a whole word.
        for nationality in vocabulary.nationalities:
            if nationality[-1] == "ي":  # the masculine: a feminine one is mostly an adjective («اللبنانية مناقصة»)
                self._automaton.add_word(f" {nationality} ", (len(nationality), 0))
        self._automaton.make_automaton()

    def tag(self, body: NormalizedText, known: Sequence[Entity] = ()) -> list[Entity]:
        """Names in ``body`` found from their context; ``known``: the gazetteer's entities in it. A person whose
        name starts where a known entity does is the gazetteer's («الرئيس فلاديمير بوتين»): not looked at further."""
        vocabulary = self._vocabulary
        starts = {entity.start: (entity.end, entity.type) for entity in known}
        found: list[Span] = []
        named: set[int] = set()  # where the names found start
        resume = 0
        title_until = 0  # where the name after the last title starts: the title's modifiers are before it
        for last, (length, kind) in self._automaton.iter(f" {body.words} "):
            # The word's trailing space is at padded index `last`, so it ends at `last - 1` in the body.
            end = last - 1
            start = end - length
            if start < resume:
                continue
            if body.words[start:end] in vocabulary.nationalities and not _may_follow_nationality(
                vocabulary, body.words, end
            ):
                continue  # the common case («الجيش السوري»), told from the next word alone
            if kind and not _may_be_named(vocabulary, body.words, end, kind):
                continue  # «قال إن», «قال الوزير», «محمد إلى»: no name follows
            token = token_at(body, start, end)
            bare = vocabulary.definite(token.word) or vocabulary.bare(token.word)
            if (
                bare not in vocabulary.triggers
                and bare not in vocabulary.nationalities
                and bare not in vocabulary.given_names
            ):
                continue
            if (
                kind == _GIVEN
                and bare not in vocabulary.titles
                and bare in vocabulary.given_names
                and bare not in vocabulary.triggers
                and body.offsets.original(end - len(vocabulary.bare(token.word))) in starts
            ):
                continue  # «فلاديمير بوتين»: the gazetteer's person (``given`` would say so after building a window)
            if (
                bare in vocabulary.nationalities
                and bare not in vocabulary.given_names
                and bare not in GENERAL_HEADS
                and word_before(body.words, token).startswith(("ال", "وال"))
            ):
                continue  # «الرئيس الروسي …»: the nationality describes the word before it (as ``persons.person`` says)
            if bare in vocabulary.titles and not token.broken and word_before(body.words, token) in vocabulary.heads:
                continue  # «وزارة الفلاحة»: after a body's head, a title's word is its field («الفلاحة», farming)
            window = Window(body, token, starts)
            if token.broken and bare in vocabulary.titles and window.comma(token):
                before = named_before(vocabulary, body, token, starts)
                if before is not None and before.tokens[0].start not in named and before.tokens[0].start >= resume:
                    found.append(before)  # «أوزغور أوزيل، زعيم حزب الشعب الجمهوري، …»
                    named.add(before.tokens[0].start)
            span = _name_after_trigger(vocabulary, window, bare)
            if span is None or span.tokens[0].start in named:
                continue
            if start < title_until and not named_body(vocabulary, span):
                continue  # «رئيس مجلس المدينة …», «رئيسة لجنة المهرجانات …»: a role, no body's name
            found.append(span)
            named.add(span.tokens[0].start)
            while span.kind == "PER" and (other := coordinated(vocabulary, body, span, starts)) is not None:
                found.append(other)  # «محمود المواس وإبراهيم هيسار»
                named.add(other.tokens[0].start)
                span = other
            if span.kind == "PER":
                # A title's modifiers may name a body («رئيس الهيئة العامة للطيران المدني …»): read on after the title.
                resume, title_until = token.end, span.tokens[0].start
            else:
                resume = span.tokens[-1].end
        found += later_mentions(vocabulary, body, found)
        return _entities(vocabulary, body, found)


def _name_after_trigger(vocabulary: Vocabulary, tokens: Window, bare: str) -> Span | None:
    """The name after the trigger ``tokens[0]``, whose word without proclitics is ``bare``."""
    if bare in vocabulary.titles:
        return person(vocabulary, tokens)
    if bare in vocabulary.given_names and bare not in vocabulary.triggers:
        return given(vocabulary, tokens)
    if bare in vocabulary.sayings:
        return speaker(vocabulary, tokens)
    if announced(vocabulary, tokens, bare):
        return organisation(vocabulary, tokens, bare)
    if bare in vocabulary.settlements or bare in vocabulary.facilities:
        return place(vocabulary, tokens, bare)
    if bare in COMPOUND_TRIGGERS:
        return compound(vocabulary, tokens, bare)
    if bare == NATIONAL_TEAM:
        return national_team(vocabulary, tokens)
    if bare in MEETING_HEADS:
        return meeting(vocabulary, tokens, bare)
    if bare in vocabulary.events or bare in DEFINITE_EVENT_HEADS:
        return event(vocabulary, tokens, bare)
    if bare in vocabulary.nationalities:
        return person(vocabulary, tokens, after_nationality=True)
    return None


def _may_be_named(vocabulary: Vocabulary, words: str, end: int, kind: int) -> bool:
    """Whether the word after a verb of saying or a given name ending at ``end`` may start a name or a surname:
    no punctuation (a double space), no function word, no frequent word (after a verb, no definite one)."""
    stop = words.find(" ", end + 1)
    following = words[end + 1 : stop if stop >= 0 else len(words)]
    if not following or following in vocabulary.enders:
        return False
    if kind == _SAYING:
        if _APPOSED.match(words, end + 1):
            return True  # «وقال الحسين أوبلا، وهو مزارع …»: checked by ``persons.speaker``
        return not following.startswith("ال") and vocabulary.frequencies.get(following, 0.0) < PLACE_ZIPF
    return following == "عبد" or (  # «ريم عبد الغفور»: «عبد …» is the father's name
        vocabulary.frequencies.get(following, 0.0) < (RARE_ZIPF if following.startswith("ال") else COMMON_ZIPF)
    )


def _may_follow_nationality(vocabulary: Vocabulary, words: str, end: int) -> bool:
    """Whether the word after a nationality ending at ``end`` may start a name (a double space: punctuation)."""
    stop = words.find(" ", end + 1)
    following = words[end + 1 : stop if stop >= 0 else len(words)]
    return (
        bool(following)
        and not following.startswith("ال")
        and following not in vocabulary.enders
        and foreign_name_word(vocabulary, following, True)
    )


def _entities(vocabulary: Vocabulary, body: NormalizedText, found: list[Span]) -> list[Entity]:
    if not found:
        return []
    canonical_of: dict[int, str] = {}
    entities = []
    for tokens, kind, canonical, name in sorted(found, key=lambda span: span.tokens[0].start):
        start = tokens[0].end - len(vocabulary.bare(tokens[0].word))
        last = tokens[-1].end
        (original_start, original_last) = body.offsets.originals([start, last - 1])
        text = body.original[original_start : original_last + 1]
        if name is not None:
            canonical_of[canonical.start] = name
        elif canonical.start not in canonical_of:
            (name_original,) = body.offsets.originals([canonical.end - len(vocabulary.bare(canonical.word))])
            canonical_text = MARKS.sub("", body.original[name_original : original_last + 1])
            definite = vocabulary.definite(canonical.word)
            if definite is not None:  # «للجنة الدستورية» is named «اللجنة الدستورية»
                canonical_text = f"ا{canonical_text}" if definite[2] == "ل" else f"ال{canonical_text[2:]}"
            canonical_of[canonical.start] = " ".join(canonical_text.split())
        entities.append(Entity(text, kind, canonical_of[canonical.start], original_start, original_last + 1))
    return entities
