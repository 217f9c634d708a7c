"""Spelling variants of one name, generated as rules for the gazetteer's names.

Arabic transliterates a foreign name in more than one way: g as ج or غ («سيرغي/سيرجي»), t as ط or ت
(«أنطاليا/أنتاليا»), long vowels written or dropped («بوتين/بوتن», «زيلينسكي/زيلنسكي»), the final a as ة or ا
(«سورية/سوريا»), an initial o as «أو» or «و».
Letter variants the normalizer unifies anyway (أ/إ/آ/ا، ى/ي، ة/ه) need no rule. A generated word is dropped
when it is a clearly more frequent word of its own («محمود» does not become «محمد»), and a generated
form that another entity owns is dropped too: variants never take a name away from the gazetteer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache, cached_property, lru_cache

from marsad.topics.records import EnrichedDocument
from marsad.workers.stages.entities import GazetteerEntry
from marsad.workers.stages.lexicon import frequencies, stopwords
from marsad.workers.stages.normalize import NormalizedText, normalize
from marsad.workers.stages.terms import TermMatcher, longest_non_overlapping

MAX_SPELLINGS = 16  # per name
_LONG_VOWELS = "يو"
_DISTINCT_WORD_MARGIN = 0.5  # a variant this much more frequent than the original is another word
COMMON_VARIANT_ZIPF = 4.0  # a generated variant this frequent is a word of its own
_PATTERN_LETTERS = 5  # the letters of an Arabic pattern word with a long vowel («مسكين», «خليل» after «ال»)


def _word_spellings(word: str, frequencies: dict[str, float]) -> list[str]:
    found = [word]
    if "ج" in word:
        found.append(word.replace("ج", "غ"))
    if "غ" in word:
        found.append(word.replace("غ", "ج"))
    shorter = []
    if len(word) >= 5:
        # The i of a final -ia («صربيا», «ماريا») is written by every spelling: without it the name is another
        # («صربا», a place; «مارا», a name)
        last = len(word) - 2 if word[-1] in "اه" else len(word) - 1
        for index in range(1, last):
            if word[index] in _LONG_VOWELS and word[index - 1] not in _LONG_VOWELS + "ا":
                shorter.append(word[:index] + word[index + 1 :])
        # A word of an Arabic pattern's size (a root and a long vowel: «الخليل», «الموصل», «مسكين») without its
        # long vowel is another word when the lexicon knows it («الخلل», a defect; «المصل», a serum; «مسكن»)
        if len(word.removeprefix("ال")) <= _PATTERN_LETTERS:
            shorter = [v for v in shorter if frequencies.get(v, 0.0) < KNOWN_WORD_ZIPF]
    if len(word) >= 4 and word[-1] in "ها":
        found.append(word[:-1] + ("ا" if word[-1] == "ه" else "ه"))
    if word.startswith("او") and len(word) >= 4:
        found.append(word[1:])
    elif word.startswith("و") and len(word) >= 4:
        found.append("ا" + word)
    # The older spelling writes a foreign t as the emphatic ط, the newer one as ت («أنطاليا/أنتاليا»,
    # «أنطونيو/أنتونيو»): an Arabic name has ط of its own («طلال», «مشيط»), so the plain form is kept only when it
    # is no known word («تلال», hills; «مشيت», I walked), and a common word («منطقة») is no foreign name.
    foreign = len(word) >= 4 and frequencies.get(word, 0.0) < COMMON_VARIANT_ZIPF
    if foreign and "ط" in word and (plain := word.replace("ط", "ت")) not in frequencies:
        found.append(plain)
    # A variant that is a known word is kept only for a known word that is not clearly rarer («زوارة» is not «زارة»),
    # and never when it is a common word («سورة», a chapter, is no spelling of «سورية», nor «تركية», Turkish, of
    # «تركيا»): a common spelling of a name is listed as an alias instead.
    ceiling = min(frequencies[word] + _DISTINCT_WORD_MARGIN, COMMON_VARIANT_ZIPF) if word in frequencies else 0.0
    found += shorter
    return list(dict.fromkeys(v for v in found if v == word or v not in frequencies or frequencies[v] < ceiling))


def spellings(name: str, frequencies: dict[str, float]) -> list[str]:
    """The name's normalized spellings, itself first: one word spelled otherwise at a time («سيرجي لافروف»,
    «سيرغي لافرف»), not every combination, which would multiply the matcher's keys for spellings no one writes."""
    words = normalize(name).split()
    found = [" ".join(words)]
    for index, word in enumerate(words):
        found += (
            " ".join((*words[:index], other, *words[index + 1 :])) for other in _word_spellings(word, frequencies)[1:]
        )
    return list(dict.fromkeys(found))[:MAX_SPELLINGS]


def _false_friend(spelling: str, frequencies: dict[str, float]) -> bool:
    """A proclitic letter before the spelling makes a known word («زارة» in «وزارة»): the matcher would find it."""
    first = spelling.split()[0]
    return any(letter + first in frequencies for letter in "وفبكل")


def with_spellings(entries: Sequence[GazetteerEntry], frequencies: dict[str, float]) -> list[GazetteerEntry]:
    """Each entry with its names' generated spellings added (full forms to aliases, short forms to short)."""
    owner: dict[str, int] = {}
    for number, entry in enumerate(entries):
        for form in (entry.canonical, *entry.aliases, *entry.short):
            owner[normalize(form)] = number
    generated: dict[str, set[int]] = {}
    for number, entry in enumerate(entries):
        for form in (entry.canonical, *entry.aliases, *entry.short):
            for spelling in spellings(form, frequencies)[1:]:
                generated.setdefault(spelling, set()).add(number)

    def fresh(number: int, forms: Iterable[str]) -> tuple[str, ...]:
        return tuple(
            spelling
            for form in forms
            for spelling in spellings(form, frequencies)[1:]
            if spelling not in owner and generated[spelling] == {number} and not _false_friend(spelling, frequencies)
        )

    return [
        entry.model_copy(
            update={
                "aliases": tuple(dict.fromkeys((*entry.aliases, *fresh(number, (entry.canonical, *entry.aliases))))),
                "short": tuple(dict.fromkeys((*entry.short, *fresh(number, entry.short)))),
            }
        )
        for number, entry in enumerate(entries)
    ]


class SpellingExpander:
    """The other spellings of the names in a search query, so that a search for either spelling finds both
    («بوتن» also looks for «بوتين»): the forms of the name's entity, listed or generated, with as many words
    (a one-word query is not widened to «الجمهورية العربية السورية»); for a word of a name asked for alone, its
    own spellings."""

    def __init__(self, entries: Sequence[GazetteerEntry], frequencies: dict[str, float]) -> None:
        self._frequencies = frequencies
        self._by_canonical: dict[str, tuple[str, ...]] = {}
        forms: list[tuple[str, tuple[str, ...]]] = []
        for entry in with_spellings(entries, frequencies):
            every: list[str] = []
            for group in ((entry.canonical, *entry.aliases), entry.short):
                normalized = list(dict.fromkeys(normalize(form) for form in group))
                forms += [
                    (form, tuple(o for o in normalized if len(o.split()) == len(form.split()))) for form in normalized
                ]
                every += normalized
            self._by_canonical[normalize(entry.canonical)] = tuple(dict.fromkeys(every))
        self._forms = forms
        # A word of a name, asked for alone («سيرغي»): its own spellings, unless it is a common word («عبد»).
        self._word_spellings = {
            word: tuple(_word_spellings(word, frequencies)[1:])
            for entry in entries
            for form in (entry.canonical, *entry.aliases, *entry.short)
            for word in normalize(form).split()
            if frequencies.get(word, 0.0) < COMMON_VARIANT_ZIPF
        }
        self._entries = tuple(entries)

    @cached_property
    def _matcher(self) -> TermMatcher[tuple[str, ...]]:
        """Built on the first query: the worker, which only asks for ``spellings``, never pays its memory."""
        return TermMatcher(self._forms)

    @cached_property
    def _by_key(self) -> dict[str, list[str]]:
        """The names' words by their transliteration key (``VariantWords.key``), for a rare word asked for that no
        rule generates («اليونيسيف» with a long vowel more); built on the first query, as ``_matcher`` is."""
        by_key: dict[str, list[str]] = {}
        for word in {
            word
            for entry in self._entries
            for form in (entry.canonical, *entry.aliases)
            for word in normalize(form).split()
        }:
            if (key := VariantWords.key(word)) is not None:
                by_key.setdefault(key, []).append(word)
        return by_key

    def expand(self, query: str) -> str:
        """``query`` with the other spellings of the names in it appended (free terms: any one of them matches)."""
        text = NormalizedText.of(query)
        hits = longest_non_overlapping(self._matcher.find(text))
        found = {text.words[hit.start : hit.end] for hit in hits}
        extra = [spelling for hit in hits for spelling in hit.payload if spelling not in found]
        inside = {word for name in found for word in name.split()}
        for word in text.words.split():
            if word not in inside:
                extra += self._word_spellings.get(word) or self._same_key(word)
        return " ".join((query, *dict.fromkeys(extra))) if extra else query

    def _same_key(self, word: str) -> list[str]:
        """The names' words ``word`` is another transliteration of: any of its key when it is rare; when it is a known
        word, only those that write the same letters with more or fewer long vowels («اليونيسيف», «اليونيسف»; not
        «الشيف», «الشوف»)."""
        frequency = self._frequencies.get(word, 0.0)
        if frequency >= COMMON_VARIANT_ZIPF or (key := VariantWords.key(word)) is None:
            return []
        return [
            other
            for other in self._by_key.get(key, ())
            if other != word and (frequency < KNOWN_WORD_ZIPF or _with_vowels(other, word) or _with_vowels(word, other))
        ]

    def spellings(self, canonical: str) -> tuple[str, ...]:
        """A canonical name's spellings: its entity's forms, or for a name no gazetteer lists, its generated ones."""
        name = normalize(canonical)
        return self._by_canonical.get(name) or tuple(spellings(name, self._frequencies))


def _with_vowels(longer: str, shorter: str) -> bool:
    """Whether ``longer`` is ``shorter`` with long vowels (و, ي) written in it."""
    if len(longer) <= len(shorter):
        return False
    matched = 0
    for letter in longer:
        if matched < len(shorter) and letter == shorter[matched]:
            matched += 1
        elif letter not in _LONG_VOWELS:
            return False
    return matched == len(shorter)


# --- transliteration folding: names no gazetteer lists ------------------------------------------------------
#
# A name only the text has («جوارديولا», «خيسوس», «غروندبرغ») gets no generated spellings: nothing lists it. Its
# words go instead into a field of their own (`name_variants`), analyzed at index and search time by a chain that
# folds the transliterations of one sound onto one letter and drops the long vowels a transliteration may write or
# not (`marsad_variants` in config/elasticsearch/news-template.json, mirrored here and in marsad.search.analyzer):
# «غوارديولا» and «جوارديولا» are both «جرديلا» there. Only rare words enter the field, and only when no known word
# folds onto the same key, so a search for a word of the lexicon never meets anything through it. (Words of the
# lexicon inside recognised names were tried too: «الشروع» met «الشرع», «الشيف» «الشوف», «غساله» «غزاله».)

# The char filter: the letters that write one foreign sound (g: ج غ گ, Spanish j and kh: خ, s/z: ز س, v: ڤ ف,
# p: پ ب, ch: چ).
TRANSLITERATION_LETTERS = {"غ": "ج", "خ": "ج", "گ": "ج", "چ": "ج", "ز": "س", "ڤ": "ف", "پ": "ب"}
FOLD_MIN_LETTERS = 4  # a shorter word is not folded (its skeleton says too little)
FOLD_MIN_KEY = 3  # nor one whose skeleton is shorter
KNOWN_WORD_ZIPF = 3.0  # the lexicon's wordfreq floor: a word below it is rare
DECISIONS_CACHED = 50_000  # ~12 MB at most
_PROCLITICS = "وفبكل"
_INNER_VOWELS = re.compile("(?<=.)[وي](?=.)")
_ARABIC_WORD = re.compile("[\u0621-\u063a\u0641-\u064a]+")
_TRANSLITERATION_TABLE = str.maketrans(TRANSLITERATION_LETTERS)


def transliteration_letters(text: str) -> str:
    """The `marsad_transliteration` char filter: one letter for the letters of one sound."""
    return text.translate(_TRANSLITERATION_TABLE)


def fold(term: str) -> str | None:
    """The rest of `marsad_variants` for one token, after the char filter, lowercase, stop words and Arabic
    normalization: at least FOLD_MIN_LETTERS letters (UTF-16 units, as Lucene counts), an initial «او» as «و»,
    the inner و and ي dropped, a final ه (ة) as ا; None when the token or its key is too short."""
    if _utf16_length(term) < FOLD_MIN_LETTERS:
        return None
    if term.startswith("او"):
        term = term[1:]
    term = _INNER_VOWELS.sub("", term)
    if term.endswith("ه"):
        term = term[:-1] + "ا"
    return term if _utf16_length(term) >= FOLD_MIN_KEY else None


def _utf16_length(term: str) -> int:
    """Lucene's LengthFilter counts UTF-16 code units (an emoji outside the BMP is two)."""
    return len(term.encode("utf-16-le")) // 2


class VariantWords:
    """The words of a document that go into `name_variants`: the rare words (below KNOWN_WORD_ZIPF, or in no list)
    of FOLD_MIN_LETTERS letters or more whose key no known word has, so that no word of the lexicon finds anything
    through the field. A word that is a known word behind a proclitic («والثروة», «للحبوب») is no rare word; a rare
    word behind one («وجيسوس») also enters without it."""

    def __init__(self, frequencies: dict[str, float]) -> None:
        self._frequencies = frequencies
        self._known_keys = frozenset(
            key for word, zipf in frequencies.items() if zipf >= KNOWN_WORD_ZIPF and (key := self.key(word))
        )
        # Most of a text is known words: set aside at once. The others recur from article to article: each is
        # decided once (bounded, for a worker that runs for months).
        self._known = frozenset(word for word, zipf in frequencies.items() if zipf >= KNOWN_WORD_ZIPF)
        self._decisions = lru_cache(maxsize=DECISIONS_CACHED)(self._decide)

    @staticmethod
    def key(word: str) -> str | None:
        """The key `marsad_variants` indexes a normalized word under (None: not indexed)."""
        mapped = transliteration_letters(word)
        return None if mapped in stopwords() else fold(mapped)

    def _rare(self, word: str) -> bool:
        key = self.key(word)
        return self._frequencies.get(word, 0.0) < KNOWN_WORD_ZIPF and key is not None and key not in self._known_keys

    def _decide(self, word: str) -> tuple[str, ...]:
        """What a word of the text puts in the field: itself and itself without a proclitic, when rare."""
        bare = _without_proclitics(word)
        if any(form in self._known for form in bare):
            return ()
        return tuple(form for form in (word, *bare) if self._rare(form))

    def words(self, title: str, body: str) -> str:
        """The field's text: the words kept, normalized, each once, space separated."""
        kept: set[str] = set()
        for word in set(_ARABIC_WORD.findall(normalize(f"{title} {body}"))) - self._known:
            if len(word) >= FOLD_MIN_LETTERS:
                kept.update(self._decisions(word))
        return " ".join(sorted(kept))


def _without_proclitics(word: str) -> list[str]:
    """The word without a one-letter proclitic, and without a two-letter one (و/ف then ب/ك/ل); «لل» + a word is
    ل + «ال» + the word."""
    found = []
    if word[0] in _PROCLITICS and len(word) > FOLD_MIN_LETTERS:
        found.append(word[1:])
        if word[0] in "وف" and word[1] in "بكل" and len(word) > FOLD_MIN_LETTERS + 1:
            found.append(word[2:])
    for article in ("لل", "ولل", "فلل"):
        if word.startswith(article) and len(word) > len(article) + 2:
            found.append("ال" + word[len(article) :])
    return found


@cache
def variant_words() -> VariantWords:
    """Built once from the shipped lexicon (~1 s)."""
    return VariantWords(frequencies())


def document_variants(document: EnrichedDocument) -> str:
    """The document's `name_variants` field (the same text in both modes)."""
    return variant_words().words(document.title, document.body)
