"""Names found from their context, found again later in the same body. A person found so is also recognised by the
same name or its last word alone, also where the gazetteer has that word for a place or another person («منى الخليل»
… «الخليل»); a club or a company by its name alone («نادي الزوراء» … «الزوراء»); a place found after a settlement
word, by its rare name alone («ولاية صحم» … «أهالي صحم»)."""

from __future__ import annotations

from collections.abc import Iterable

from marsad.workers.stages.context.organisations import CLUB, GROUP
from marsad.workers.stages.context.shapes import nisba
from marsad.workers.stages.context.vocabulary import Vocabulary
from marsad.workers.stages.context.window import Span, Window, token_at
from marsad.workers.stages.context.words import PROCLITICS, RARE_ZIPF
from marsad.workers.stages.normalize import NormalizedText

# Companies and groups named by a rare proper name are found again by it too.
_COMPANY_HEADS = frozenset({"شركه", GROUP})


def later_mentions(vocabulary: Vocabulary, body: NormalizedText, found: list[Span]) -> list[Span]:
    """Later mentions of the names ``found`` in ``body``, by a shorter form, canonical the full name."""
    people: dict[tuple[str, ...], Span] = {}
    for span in found:
        if span.kind == "PER":
            people.setdefault((vocabulary.bare(span.tokens[0].word), *(token.word for token in span.tokens[1:])), span)
    covered = {token.start for span in found for token in span.tokens}
    again = _people_again(vocabulary, body, people, covered)
    # A club, and a company or a group named by a rare proper name («شركة سيريتل», «مجموعة إيني»: not «شركة الفرات
    # …», whose name alone is the river), is found again by its name alone.
    again += _clubs_again(
        vocabulary,
        body,
        [
            span
            for span in found
            if span.kind == "ORG"
            and (
                (head := vocabulary.bare(span.tokens[0].word)) == CLUB
                or (
                    head in _COMPANY_HEADS
                    and len(span.tokens) > 1
                    and not span.tokens[1].word.startswith("ال")
                    and vocabulary.frequencies.get(span.tokens[1].word, 0.0) < RARE_ZIPF  # «شركة أمل» … «أمل»
                )
            )
        ],
        covered,
    )
    again += _places_again(
        vocabulary, body, [s for s in found if s.kind == "LOC" and s.canonical == s.tokens[1]], covered
    )
    return again


def _surname_with_proclitics(word: str, surname: str) -> bool:
    """Whether ``word`` is ``surname`` after no, one or two proclitics («وبرسامني»); not after the article
    («التمور», «للتمور»: ل + ال), which makes it a common noun."""
    prefix = word.removesuffix(surname)
    return prefix != word and (not prefix or prefix in PROCLITICS)


def _people_again(
    vocabulary: Vocabulary, body: NormalizedText, people: dict[tuple[str, ...], Span], covered: set[int]
) -> list[Span]:
    """Later mentions of a person found by title: the whole name, or its last word (a surname, with its
    proclitics), canonical the full name. ``covered``: where the words already tagged start."""
    found: list[Span] = []
    words = body.words
    for name, first in people.items():
        surname = name[-1] if len(name) > 1 and len(name[-1]) >= 3 else None
        after = first.tokens[-1].end
        needles = (name[0],) if surname is None else (name[0], surname)
        for start, end in _occurrences(words, needles, after):
            if start in covered:
                continue
            token = token_at(body, start, end)
            if name[0] in (token.word, vocabulary.bare(token.word)):
                window = Window(body, token, {})
                if all((t := window.get(i)) is not None and t.word == w for i, w in enumerate(name[1:], 1)):
                    found.append(window.span(0, len(name), "PER", 0)._replace(canonical=first.tokens[0]))
                    covered.update(t.start for t in found[-1].tokens)
                    continue
            if surname is not None and _surname_with_proclitics(token.word, surname):
                found.append(Span((token,), "PER", first.tokens[0]))
                covered.add(start)
    return found


def _clubs_again(vocabulary: Vocabulary, body: NormalizedText, clubs: list[Span], covered: set[int]) -> list[Span]:
    """Later mentions of a club found by its head, by its name alone («نادي الزوراء» … «رفع الزوراء رصيده»),
    canonical the full name; not when a relation adjective follows, which makes it another body («الاتحاد
    الأوروبي»)."""
    found: list[Span] = []
    for club in clubs:
        name = [token.word for token in club.tokens[1:]]
        if not name or len(name) > 2:
            continue
        for start, end in _occurrences(body.words, (name[0],), club.tokens[-1].end):
            if start in covered:
                continue
            window = Window(body, token_at(body, start, end), {})
            if window[0].word not in (name[0], f"و{name[0]}", f"ف{name[0]}", f"ب{name[0]}", f"ل{name[0]}"):
                continue
            if not all(
                (t := window.get(i)) is not None and not t.broken and t.word == w for i, w in enumerate(name[1:], 1)
            ):
                continue
            after = window.get(len(name))
            if after is not None and not after.broken and (nisba(after.word) or after.word in vocabulary.nationalities):
                continue
            found.append(window.span(0, len(name), "ORG", 0)._replace(canonical=club.canonical))
            covered.update(t.start for t in found[-1].tokens)
    return found


def _places_again(vocabulary: Vocabulary, body: NormalizedText, places: list[Span], covered: set[int]) -> list[Span]:
    """Later mentions of a place found after a settlement word, by its name alone («ولاية صحم» … «أهالي صحم»),
    canonical the name; only a rare name, which means the place wherever the text writes it."""
    found: list[Span] = []
    for place in places:
        name = [token.word for token in place.tokens[1:]]
        if len(name) > 2 or (len(name) == 1 and vocabulary.frequencies.get(name[0], 0.0) >= RARE_ZIPF):
            continue
        for start, end in _occurrences(body.words, (name[0],), place.tokens[-1].end):
            if start in covered:
                continue
            window = Window(body, token_at(body, start, end), {})
            if window[0].word != name[0] and not (window[0].word[1:] == name[0] and window[0].word[0] in "وفبل"):
                continue
            if name[0].startswith("ال") and window.before().startswith("ال"):
                continue  # an adjective of the definite noun before it: «المنطقة الجبلية» after «قرية الجبلية»
            if not all(
                (t := window.get(i)) is not None and not t.broken and t.word == w for i, w in enumerate(name[1:], 1)
            ):
                continue
            found.append(window.span(0, len(name), "LOC", 0)._replace(canonical=place.canonical))
            covered.update(t.start for t in found[-1].tokens)
    return found


def _occurrences(words: str, needles: Iterable[str], after: int) -> list[tuple[int, int]]:
    """The words at or after ``after`` that end with one of ``needles`` behind at most two letters, in order."""
    padded = f"{words} "
    found: set[tuple[int, int]] = set()
    for needle in needles:
        key = f"{needle} "  # a word's end
        position = padded.find(key, after)
        while position >= 0:
            space = padded.rfind(" ", max(0, position - 3), position)
            if (space >= 0 or position < 3) and space + 1 >= after:
                found.add((space + 1, position + len(needle)))
            position = padded.find(key, position + 1)
    return sorted(found)
