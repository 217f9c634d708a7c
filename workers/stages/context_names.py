"""Names nobody listed, recognised from the words around them.

Three kinds of context, read on the normalized words of a body:
- a title or role before a person: «الرئيس»، «الوزير»، «اللاعب»، «المدرب»، «السفير»، «محافظ حمص» … then one to
  three name words (words a news text uses mostly as names: not stop words, not frequent common words);
- the head of an organisation's name: «وزارة»، «مصرف»، «هيئة»، «الهيئة العامة»، «نادي»، «اتحاد»، «جامعة»،
  «شركة» … and what follows it: definite words («وزارة النقل السورية»), or one rare word and its definite
  adjectives («مصرف سورية المركزي»);
- a place trigger: a settlement word («مدينة»، «بلدة»، «قرية»، «محافظة»، «قضاء») whose name follows (part of the
  mention, not of the canonical name), or a facility word («ميناء»، «مطار»، «قصر») that is part of both.
A person found so is also recognised later in the same body by the same name or its last word alone.
Everything stops at punctuation and at stop words. The gazetteer's entities win over these (``merge``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from marsad.topics.records import Entity, EntityType
from marsad.workers.stages.normalize import DIACRITICS, TATWEEL, NormalizedText, normalize

PERSON_TITLES = (
    "الرئيس الرئيسه الوزير الوزيره وزير وزيره اللاعب اللاعبه لاعب المدرب مدرب المدربه السفير سفير السفيره "
    "المحافظ محافظ النائب النائبه الشيخ الدكتور الدكتوره العقيد العميد اللواء الجنرال المهندس القاضي "
    "المستشار الكاتب الكاتبه الصحفي الصحافي الناشط الناشطه المخرج الفنان الفنانه الممثل الممثله المبعوث "
    "السيد السيده الحارس المهاجم المدافع النجم رئيس رئيسه مدير مديره قائد المطران الامام البطريرك الاستاذ "
    "الباحث الخبير المحلل المتحدث المتحدثه الناطق الناطقه الامين امين نائب الملك الامير الاميره"
)
# Words between a title and the name: «وزير الخارجية الروسي»، «مدير عام المرفأ»، «المتحدث باسم الوزارة».
_TITLE_LINKS = frozenset({"عام", "باسم", "بلديه", "لشؤون", "لدي"})
ORGANISATION_HEADS = (
    "وزاره مصرف هيئه نادي اتحاد جامعه شركه مؤسسه منظمه حركه حزب مجلس بنك جمعيه وكاله صندوق مستشفي مديريه كليه "
    "معهد منتخب مجموعه غرفه نقابه محكمه"
)
# Definite heads that start an organisation's name only with the word after them.
_DEFINITE_HEADS = {"الهيئه": "العامه", "المؤسسه": "العامه", "الشركه": "العامه", "المديريه": "العامه"}
SETTLEMENT_TRIGGERS = "مدينه بلده قريه محافظه قضاء ناحيه منطقه مخيم بلدات"
FACILITY_TRIGGERS = "ميناء مرفا مطار قصر قلعه سد معبر ملعب مسجد جسر قاعده"
# Words that end a name: function words, verbs of reporting, times. With the analyzer's stop words.
_ENDERS = (
    "قال قالت اكد اكدت اعلن اعلنت اضاف اضافت اشار اشارت اوضح اوضحت دعا دعت ان انه انها الذي التي الذين يوم اليوم "
    "امس غدا خلال بعد قبل مع عن الي علي في من حتي منذ عند لدي بين اثناء ايضا كما وقال وقالت واكد واضاف كان كانت "
    "السبت الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه صباح مساء عبر ضد نحو وفق حول امام لقد قد لم لن ما"
)
COMMON_ZIPF = 5.0  # a word this frequent is a common word, unless it is a known name word
RARE_ZIPF = 4.0  # a word this rare after an organisation head is taken for a proper name
PLACE_ZIPF = 4.5  # a word this frequent after a place trigger is a common word («قرية بعيدة»)
MAX_NAME_WORDS = 3
_NAME_LINKS = frozenset({"بن", "ابن", "ابو", "ابي", "عبد", "بنت"})
_PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
_MARKS = re.compile(f"[{DIACRITICS}{TATWEEL}]")


def _words(text: str) -> frozenset[str]:
    return frozenset(normalize(word) for word in text.split())


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    word: str
    bare: str  # without proclitics, when what remains is a trigger or a known word
    broken: bool  # punctuation between this token and the one before


class ContextTagger:
    """Tags names from their context. ``frequencies`` are Zipf frequencies of normalized words
    (``marsad.search.analyzer.lexicon``); ``name_words`` are words of known names (the gazetteer's)."""

    def __init__(self, frequencies: dict[str, float], name_words: Iterable[str], stopwords: Iterable[str]) -> None:
        self._frequencies = frequencies
        self._name_words = frozenset(normalize(word) for word in name_words)
        self._titles = _words(PERSON_TITLES)
        self._heads = _words(ORGANISATION_HEADS)
        self._settlements = _words(SETTLEMENT_TRIGGERS)
        self._facilities = _words(FACILITY_TRIGGERS)
        self._enders = _words(_ENDERS) | frozenset(normalize(word) for word in stopwords)
        self._triggers = self._titles | self._heads | self._settlements | self._facilities | set(_DEFINITE_HEADS)

    def tag(self, body: NormalizedText) -> list[Entity]:
        tokens = self._tokens(body)
        found: list[tuple[int, int, EntityType, int]] = []  # first token, end token, type, canonical's first
        index = 0
        while index < len(tokens):
            span = self._at(tokens, index)
            if span is None:
                index += 1
                continue
            found.append(span)
            index = span[1]
        people: dict[tuple[str, ...], int] = {}
        for first, end, kind, _ in found:
            if kind == "PER":
                people.setdefault((tokens[first].bare, *(token.word for token in tokens[first + 1 : end])), first)
        found += self._mentions_again(tokens, people, {(span[0], span[1]) for span in found})
        return self._entities(body, tokens, found)

    # --- tokens ---------------------------------------------------------------------------------------

    def _tokens(self, body: NormalizedText) -> list[_Token]:
        tokens: list[_Token] = []
        previous_end = 0
        for match in re.finditer(r"\S+", body.words):
            word = match[0]
            gap = body.normalized[previous_end : match.start()]
            tokens.append(_Token(match.start(), match.end(), word, self._bare(word), bool(gap.strip())))
            previous_end = match.end()
        return tokens

    def _bare(self, word: str) -> str:
        if word in self._triggers or word in self._name_words or word[0] not in "وفبلك":
            return word
        for prefix in _PROCLITICS:
            rest = word[len(prefix) :]
            if word.startswith(prefix) and len(rest) >= 3 and (rest in self._triggers or rest in self._name_words):
                return rest
        return word

    def _common(self, word: str) -> bool:
        return word not in self._name_words and self._frequencies.get(word, 0.0) >= COMMON_ZIPF

    def _name_word(self, token: _Token) -> bool:
        word = token.word
        return not token.broken and word not in self._enders and word not in self._triggers and not self._common(word)

    # --- the three contexts ---------------------------------------------------------------------------

    def _at(self, tokens: Sequence[_Token], index: int) -> tuple[int, int, EntityType, int] | None:
        bare = tokens[index].bare
        if bare in self._titles:
            return self._person(tokens, index)
        if bare in self._heads or (
            bare in _DEFINITE_HEADS and index + 1 < len(tokens) and tokens[index + 1].word == _DEFINITE_HEADS[bare]
        ):
            return self._organisation(tokens, index)
        if bare in self._settlements or bare in self._facilities:
            return self._place(tokens, index)
        return None

    def _person(self, tokens: Sequence[_Token], index: int) -> tuple[int, int, EntityType, int] | None:
        position = index + 1
        # Modifiers of the title: definite words (الخارجية، الروسي), links (عام، باسم) and, after «محافظ» or
        # «رئيس», a place or body (محافظ حمص): at most three, then the name.
        skipped = 0
        while position < len(tokens) and skipped < 3 and not tokens[position].broken:
            word = tokens[position].word
            if word.startswith("ال") or word in _TITLE_LINKS:
                position += 1
                skipped += 1
            else:
                break
        start = position
        while position < len(tokens) and position - start < MAX_NAME_WORDS and self._name_word(tokens[position]):
            word = tokens[position].word
            if position == start and word.startswith("ال"):
                break  # a given name does not take the article
            if position - start == 2 and not (word.startswith("ال") or tokens[position - 1].word in _NAME_LINKS):
                break  # a third word only as «… بن عيسى», «… عبد الله», «… حسين الشرع»
            position += 1
        if position == start:
            return None
        return start, position, "PER", start

    def _organisation(self, tokens: Sequence[_Token], index: int) -> tuple[int, int, EntityType, int] | None:
        position = index + 1
        if tokens[index].bare in _DEFINITE_HEADS:
            position += 1
        first = position
        if position < len(tokens) and not tokens[position].broken:
            word = tokens[position].word
            rare = self._frequencies.get(word, 0.0) < RARE_ZIPF or word in self._name_words
            if rare and not word.startswith(("ال", "لل")) and self._name_word(tokens[position]):
                position += 1
        while position < len(tokens) and position - first < 4 and not tokens[position].broken:
            word = tokens[position].word
            if word.startswith(("ال", "لل")) and word not in self._enders:
                position += 1
            else:
                break
        if position == first:
            return None
        return index, position, "ORG", index

    def _place(self, tokens: Sequence[_Token], index: int) -> tuple[int, int, EntityType, int] | None:
        position = index + 1
        if position >= len(tokens) or not self._name_word(tokens[position]):
            return None
        word = tokens[position].word
        if word not in self._name_words and self._frequencies.get(word, 0.0) >= PLACE_ZIPF:
            return None
        position += 1
        facility = tokens[index].bare in self._facilities
        # «مطار أربيل الدولي»: a facility keeps one definite adjective.
        if (
            facility
            and position < len(tokens)
            and not tokens[position].broken
            and tokens[position].word.startswith("ال")
            and self._frequencies.get(tokens[position].word, 0.0) >= RARE_ZIPF
            and tokens[position].word not in self._enders
        ):
            position += 1
        return index, position, "LOC", index if facility else index + 1

    def _mentions_again(
        self, tokens: Sequence[_Token], people: dict[tuple[str, ...], int], taken: set[tuple[int, int]]
    ) -> list[tuple[int, int, EntityType, int]]:
        """Later mentions of a person found by title: the whole name, or its last word (a surname, with its
        proclitics), canonical the full name."""
        found: list[tuple[int, int, EntityType, int]] = []
        covered = {i for start, end in taken for i in range(start, end)}
        for name, first in people.items():
            surname = name[-1] if len(name) > 1 and len(name[-1]) >= 3 else None
            for index in range(first + len(name), len(tokens)):
                if index in covered:
                    continue
                token = tokens[index]
                following = tuple(t.word for t in tokens[index + 1 : index + len(name)])
                if name[0] in (token.word, token.bare) and following == name[1:]:
                    found.append((index, index + len(name), "PER", first))
                    covered.update(range(index, index + len(name)))
                elif surname is not None and surname in (token.word, token.word[1:], token.word[2:]):
                    found.append((index, index + 1, "PER", first))
                    covered.add(index)
        return found

    def _entities(
        self, body: NormalizedText, tokens: Sequence[_Token], found: list[tuple[int, int, EntityType, int]]
    ) -> list[Entity]:
        if not found:
            return []
        canonical_of: dict[int, str] = {}
        entities = []
        for first, end, kind, canonical_first in sorted(found):
            start = tokens[first].end - len(tokens[first].bare)
            last = tokens[end - 1].end
            (original_start, original_last) = body.offsets.originals([start, last - 1])
            text = body.original[original_start : original_last + 1]
            if canonical_first not in canonical_of:
                name_start = tokens[canonical_first].end - len(tokens[canonical_first].bare)
                (name_original,) = body.offsets.originals([name_start])
                canonical_text = body.original[name_original : original_last + 1]
                canonical_of[canonical_first] = " ".join(_MARKS.sub("", canonical_text).split())
            entities.append(Entity(text, kind, canonical_of[canonical_first], original_start, original_last + 1))
        return entities


def merge(gazetteer: Sequence[Entity], context: Sequence[Entity]) -> list[Entity]:
    """The gazetteer's entities, and the context's that overlap none of them. A context place or organisation
    that strictly contains the gazetteer entities it overlaps, with a longer canonical name, replaces them: «مصرف سورية
    المركزي» is one organisation, «مطار أربيل الدولي» one place; «بلدة تلكلخ» keeps the gazetteer's «تلكلخ»."""
    kept = list(gazetteer)
    for entity in context:
        inside = [g for g in gazetteer if g.start < entity.end and entity.start < g.end]
        if not inside:
            kept.append(entity)
        elif entity.type != "PER" and all(
            entity.start <= g.start and g.end <= entity.end and len(entity.canonical) > g.end - g.start
            for g in inside
        ):
            kept = [g for g in kept if g not in inside]
            kept.append(entity)
    merged: list[Entity] = []
    for entity in sorted(kept, key=lambda e: (e.start, -e.end)):
        if not merged or entity.start >= merged[-1].end:
            merged.append(entity)
    return merged
