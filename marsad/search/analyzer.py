"""A pure-Python mirror of marsad's Elasticsearch Arabic analyzers.

Index side (`marsad_arabic_index`) and query side (`marsad_arabic`) of
``config/elasticsearch/news-template.json`` (and `marsad_variants`, ``analyze_variants``):

    standard tokenizer -> lowercase -> decimal_digit -> stop(_arabic_) -> arabic_normalization
        -> arabic_clitics (index side only) -> arabic_short_nouns -> arabic_stem_keywords -> arabic_stem

Each step re-expresses the Lucene 10 class Elasticsearch 9 runs for it, so the embedded store finds
exactly what Elasticsearch finds: StandardTokenizerImpl (UAX#29 word rules, JFlex grammar),
LowerCaseFilter, DecimalDigitFilter, StopFilter, ArabicNormalizer, PatternCaptureGroupTokenFilter,
SetKeywordMarkerFilter and ArabicStemmer. Positions count tokenizer tokens, so a removed stop word
leaves a gap, as in Lucene. Offsets index the Python string (code points).

The tokenizer is hand-written because no Python library reproduces Lucene's grammar (which differs
from plain UAX#29 in emoji, South-East Asian runs, ideographs and the 255-character split): every
character is first mapped to a one-letter word-break class with ``str.translate``, then one
stdlib ``re`` pattern that transcribes the JFlex rules runs over that class string (the `regex`
module's Unicode-property patterns run directly over the text are several times slower). Checked
against Lucene 10.5.1 itself on the seeds and some 25,000 random texts mixing Arabic, Latin, Hebrew,
CJK, Thai, emoji, marks and format characters: identical terms, positions and offsets.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, NamedTuple

import regex

from marsad.workers.stages.lexicon import frequencies, protected, short_nouns, stopwords
from marsad.workers.stages.variants import fold, transliteration_letters

_THRICE = 0.5  # log10(3): three times as frequent, in Zipf units
MAX_TOKEN_LENGTH = 255  # Lucene's default, in UTF-16 code units; longer tokens are split

# The `arabic_clitics` filter has two pattern_capture patterns (``clitic_patterns``): a two-letter proclitic
# (وب ول وك فب فل فك) and a one-letter one (و ف ب ك ل). Either is split off only when what remains is a word of
# the lexicon and the token is not protected («كمال» is not ك + مال), nor, for two letters, the token without
# its first letter («وكمال»).
CLITIC_PATTERN_COUNT = 2
_CONJUNCTIONS = "وف"
_PREPOSITIONS = "بكل"


class Token(NamedTuple):
    term: str
    start: int
    end: int
    position: int


# --- standard tokenizer -------------------------------------------------------------------------
#
# Word-break classes (one character each):
#   A ALetter   H Hebrew_Letter   N Numeric   0 digit 0-9 (Numeric and emoji keycap base)
#   K Katakana  L MidLetter       M MidNumLet Q Single_Quote  D Double_Quote  U MidNum
#   E ExtendNumLet   X Extend/Format   Z ZWJ   F U+FE0F   f U+FE0E   C U+20E3 (keycap)
#   t emoji tag spec   T emoji tag terminator   R Regional_Indicator
#   m Emoji_Modifier (Lucene's tables also count it as Extend)
#   P emoji character   p emoji character that is also ALetter   B Emoji_Modifier_Base
#   S / s Line_Break=Complex_Context (South-East Asian) letter / mark   I Han   J Hiragana
#   space: anything else (never part of a token)

_CLASS_TESTS = tuple(
    (cls, regex.compile(rf"(?V1)[{chars}]"))
    for cls, chars in (
        ("0", r"0-9"),
        ("#", r"#*"),
        ("C", r"\u20E3"),
        ("F", r"\uFE0F"),
        ("f", r"\uFE0E"),
        ("Z", r"\p{WB=ZWJ}"),
        ("t", r"\U000E0020-\U000E007E"),
        ("T", r"\U000E007F"),
        ("m", r"\p{Emoji_Modifier}"),
        ("R", r"\p{WB=Regional_Indicator}"),
        ("B", r"\p{Emoji_Modifier_Base}"),
        ("p", r"[\p{Extended_Pictographic}\p{Emoji}]&&\p{WB=ALetter}"),
        ("P", r"\p{Extended_Pictographic}"),
        ("P", r"\p{Emoji}"),
        ("s", r"\p{LB=Complex_Context}&&[\p{WB=Extend}\p{WB=Format}]"),
        # Lucene's tables predate these number signs becoming Numeric: to it they are Format.
        ("X", r"\p{WB=Extend}\p{WB=Format}\p{Prepended_Concatenation_Mark}"),
        ("H", r"\p{WB=Hebrew_Letter}"),
        ("A", r"\p{WB=ALetter}"),
        ("N", r"\p{WB=Numeric}"),
        ("N", r"\p{Block=Halfwidth_And_Fullwidth_Forms}&&\p{Nd}"),
        ("K", r"\p{WB=Katakana}"),
        ("L", r"\p{WB=MidLetter}"),
        ("M", r"\p{WB=MidNumLet}"),
        ("Q", r"\p{WB=Single_Quote}"),
        ("D", r"\p{WB=Double_Quote}"),
        ("U", r"\p{WB=MidNum}"),
        ("E", r"\p{WB=ExtendNumLet}"),
        ("S", r"\p{LB=Complex_Context}"),
        ("I", r"\p{Script=Han}"),
        ("J", r"\p{Script=Hiragana}"),
    )
)


def _word_break_class(char: str) -> str:
    for cls, test in _CLASS_TESTS:
        if test.match(char):
            return cls
    return " "


class _ClassTable(dict[int, str]):
    """``str.translate`` table that classifies each code point the first time it is seen."""

    def __missing__(self, code_point: int) -> str:
        cls = self[code_point] = _word_break_class(chr(code_point))
        return cls


_CLASSES = _ClassTable()
for _code_point in [*range(0x80), *range(0x600, 0x700)]:  # ASCII and Arabic: classify up front
    _CLASSES[_code_point] = _word_break_class(chr(_code_point))


def _build_token_pattern() -> re.Pattern[str]:
    ext = "[XsZFfCtTm]*"  # (Extend | Format | ZWJ)*
    ext_sans_selector = "[XsZCtTm]*"  # (Extend | Format | ZWJ)* without the presentation selectors
    letter = f"[AHp]{ext}"
    numeric = f"[N0]{ext}"
    katakana = f"K{ext}"
    mid_letter = f"[LMQ]{ext}"
    mid_numeric = f"[UMQ]{ext}"
    extend_num_let = f"E{ext}"
    hebrew = f"H{ext}"
    core = (
        f"(?:{katakana}(?:(?:{extend_num_let})*{katakana})*"
        f"|(?:{hebrew}(?:Q{ext}|D{ext}{hebrew})"
        f"|{numeric}(?:(?:(?:{extend_num_let})*|{mid_numeric}){numeric})*"
        f"|{letter}(?:(?:(?:{extend_num_let})*|{mid_letter}){letter})*)+)"
    )
    word = f"(?:{extend_num_let})*{core}(?:(?:{extend_num_let})+{core})*(?:{extend_num_let})*"
    emoji_unit = f"(?:Z*[PpB]{ext_sans_selector}F?|(?:Z*B{ext_sans_selector})?m{ext_sans_selector})"
    emoji = f"{emoji_unit}(?:(?:Z{emoji_unit})*|t+T)|[0#]{ext_sans_selector}F?C{ext_sans_selector}|R{ext}R{ext}"
    south_east_asian = f"(?:[Ss]{ext})+"
    # Fast path for the common token, a run of letters and digits that nothing after it can extend;
    # it matches exactly what `word` would. The leading lookahead lets `re` skip non-token characters.
    plain_word = "[AHpN0][AHpN0XsZFfCtTm]*+(?![EQD]|[LMU][XsZFfCtTm]*[AHpN0])"
    return re.compile(f"(?=[^ ])(?:{plain_word}|{word}|{emoji}|{south_east_asian}|I{ext}|J{ext})")


_TOKEN = _build_token_pattern()
# JFlex takes the longest match; `_TOKEN`'s first match is the same unless a ZWJ or a Hebrew letter
# before a quote is involved. Texts with those, or with a token that may need splitting, take the
# slow path: leftmost-longest (POSIX) matching.
_LONGEST_TOKEN = regex.compile(_TOKEN.pattern, regex.POSIX)
_NEEDS_LONGEST_MATCH = re.compile(f"[^ ]{{{MAX_TOKEN_LENGTH // 2 + 1},}}|H[^ ]*[QD]|Z")


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _window_end(text: str, start: int) -> int:
    """End of the longest stretch from `start` that fits Lucene's MAX_TOKEN_LENGTH-char buffer."""
    end, units = start, 0
    while end < len(text):
        units += 2 if ord(text[end]) > 0xFFFF else 1
        if units > MAX_TOKEN_LENGTH:
            break
        end += 1
    return end


def _longest_match_spans(classes: str, text: str) -> list[tuple[int, int]]:
    spans = []
    position = 0
    while match := _LONGEST_TOKEN.search(classes, position):
        start, end = match.span()
        if end - start > MAX_TOKEN_LENGTH // 2 and _utf16_length(text[start:end]) > MAX_TOKEN_LENGTH:
            # Lucene's scanner takes the longest match that fits its buffer and scans on from there.
            fitted = _LONGEST_TOKEN.match(classes, start, _window_end(text, start))
            if fitted is not None:
                end = fitted.end()
        spans.append((start, end))
        position = end
    return spans


def word_spans(text: str) -> list[tuple[int, int]]:
    """Start and end of each token of Lucene's standard tokenizer, in order."""
    classes = text.translate(_CLASSES)
    if _NEEDS_LONGEST_MATCH.search(classes) is None:
        return [match.span() for match in _TOKEN.finditer(classes)]
    return _longest_match_spans(classes, text)


# --- token filters ------------------------------------------------------------------------------

# Java's Character.toLowerCase is the simple one-to-one mapping; str.lower() differs only for
# these two (full mapping of İ, context-dependent final sigma).
_JAVA_LOWERCASE_EXCEPTIONS = str.maketrans({"İ": "i", "Σ": "σ"})
_NON_ASCII_DIGIT = re.compile(r"(?![0-9])\d")  # every Unicode Nd digit outside ASCII

_ARABIC_NORMALIZATION = str.maketrans(
    {
        "آ": "ا",
        "أ": "ا",
        "إ": "ا",
        "ى": "ي",
        "ة": "ه",
        # tatweel, then the harakat from fathatan (U+064B) to sukun (U+0652)
        **dict.fromkeys("\u0640\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"),
    }
)

_STEM_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
_STEM_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def _lowercase_and_digits(word: str) -> str:
    word = word.translate(_JAVA_LOWERCASE_EXCEPTIONS).lower()
    if word.isascii():
        return word
    return _NON_ASCII_DIGIT.sub(lambda digit: str(unicodedata.decimal(digit[0])), word)


def _stem(term: str) -> str:
    if term in stem_keywords():
        return term  # keyword_marker: the stemmer leaves a keyword alone
    # Lucene's length conditions count UTF-16 code units.
    length = _utf16_length(term)
    for prefix in _STEM_PREFIXES:
        # The wa- prefix needs 3 characters left after it, the others 2.
        minimum = 4 if len(prefix) == 1 else len(prefix) + 2
        if length >= minimum and term.startswith(prefix):
            term = term[len(prefix) :]
            length -= len(prefix)
            break
    for suffix in _STEM_SUFFIXES:
        if length >= len(suffix) + 2 and term.endswith(suffix):
            term = term[: -len(suffix)]
            length -= len(suffix)
    return term


@lru_cache(maxsize=1)
def clitic_lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """The words a proclitic may leave (three letters or more) and the protected words."""
    return frozenset(word for word in frequencies() if len(word) >= 3), protected()


@lru_cache(maxsize=1)
def stem_keywords() -> frozenset[str]:
    """The `arabic_stem_keywords` of the Elasticsearch template (a keyword_marker before arabic_stem): words whose
    first و belongs to the word, which Lucene's light stemmer would strip like a conjunction («وزير», «وزيرة»
    would be indexed as «زير»): the protected words that begin with و, and the known words that do and are no
    known word without it. Also «لل» + a word that begins with ل, whose stem would lose that ل («للجنة» is
    ل + «اللجنة», not «جنة»): the known words «للX» whose «لX» is a known word three times as frequent as «X» (a
    word of three letters or more, not a stop word); the clitic split keeps «لX» searchable. And the short nouns
    ``short_noun_forms`` leaves (the stemmer would cut «سنة» to «سن»)."""
    return _stem_keywords_of_words() | frozenset(short_nouns())


@lru_cache(maxsize=1)
def _stem_keywords_of_words() -> frozenset[str]:
    known, protected = clitic_lexicon()
    frequency = frequencies()
    return frozenset(
        word for word in known if len(word) >= 4 and word[0] == "و" and (word in protected or word[1:] not in known)
    ) | frozenset(
        word
        for word in known
        if word.startswith("لل")
        and len(word) >= 5
        and word[2:] not in stopwords()
        and word[1:] in frequency
        and frequency[word[1:]] >= frequency.get(word[2:], 0.0) + _THRICE
    )


@lru_cache(maxsize=1)
def short_noun_forms() -> dict[str, str]:
    """The `arabic_short_nouns` filter of the Elasticsearch template (a pattern_capture before the keyword marker,
    on both sides): a three-letter noun in ة whose two letters are another word («سنة»/«سن», «حرة»/«حر») would be cut
    to those two letters by the light stemmer; each form the stemmer would cut so («السنة», «والسنة», «بالسنة»,
    «للسنة», «وسنة») is replaced by the noun, which is a stem keyword, so that «سن» does not find «السنة», nor «حر»
    «المناطق الحرة» or «بالحرة». A form that is itself a stem keyword keeps its own meaning («وجهه» is his face)."""
    keep = _stem_keywords_of_words()
    return {
        form: noun
        for noun in sorted(short_nouns())
        for prefix in ("", *_STEM_PREFIXES)
        if (form := prefix + noun) not in keep
    }


def short_noun_pattern() -> str:
    """``short_noun_forms`` as one pattern_capture pattern: the noun is the captured group."""
    nouns = frozenset(short_nouns())
    forms = {prefix + noun for noun in nouns for prefix in ("", *_STEM_PREFIXES)}
    excluded = frozenset(forms - set(short_noun_forms()))
    prefixes = "|".join(sorted(_STEM_PREFIXES, key=len, reverse=True))
    kept = f"(?!(?:{_trie_pattern(excluded)})$)" if excluded else ""
    return f"^{kept}(?:{prefixes})?({_trie_pattern(nouns)})$"


def _trie_pattern(words: frozenset[str]) -> str:
    """A regex matching exactly ``words``, as a trie: Java's regex tries alternatives in turn, so a flat
    alternation of 50,000 words would cost 50,000 tries per token."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [char + build(node[char]) for char in sorted(node) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def clitic_patterns() -> tuple[str, str]:
    """The `arabic_clitics` patterns of the Elasticsearch template, which ``_clitic_variants`` mirrors."""
    known, protected = clitic_lexicon()
    words, kept = _trie_pattern(known), f"(?!(?:{_trie_pattern(protected)})$)"
    return (
        f"^{kept}[{_CONJUNCTIONS}]{kept}[{_PREPOSITIONS}]({words})$",
        f"^{kept}[{_CONJUNCTIONS}{_PREPOSITIONS}]({words})$",
    )


def _clitic_variants(term: str) -> list[str]:
    """PatternCaptureGroupTokenFilter with preserve_original over ``clitic_patterns``: the token itself, then
    each capture in order of where it starts (the one-letter split before the two-letter one)."""
    if len(term) < 4 or term[0] not in _CONJUNCTIONS + _PREPOSITIONS:
        return [term]
    known, protected = clitic_lexicon()
    if term in protected:
        return [term]
    variants = [term]
    if term[1:] in known:
        variants.append(term[1:])
    if term[0] in _CONJUNCTIONS and term[1] in _PREPOSITIONS and term[2:] in known and term[1:] not in protected:
        variants.append(term[2:])
    return variants


def normalized_term(word: str) -> str | None:
    """A word as the analyzers see it before clitics and stemming; None if a stop word."""
    return _normalized(word)


@lru_cache(maxsize=200_000)
def _normalized(word: str) -> str | None:
    """The token after lowercase, decimal_digit, stop and arabic_normalization; None if a stop word."""
    term = _lowercase_and_digits(word)
    if term in stopwords():
        return None
    return term.translate(_ARABIC_NORMALIZATION)


@lru_cache(maxsize=200_000)
def index_terms(word: str) -> tuple[str, ...]:
    """Terms the index analyzer emits, at one position, for one tokenizer token."""
    term = _normalized(word)
    if term is None:
        return ()
    forms = short_noun_forms()
    return tuple(_stem(forms.get(variant, variant)) for variant in _clitic_variants(term))


@lru_cache(maxsize=200_000)
def query_term(word: str) -> str | None:
    """The term the search analyzer emits for one tokenizer token; None if a stop word."""
    term = _normalized(word)
    return None if term is None else _stem(short_noun_forms().get(term, term))


def analyze_index(text: str) -> list[Token]:
    """`marsad_arabic_index`: clitic variants share their token's position and offsets."""
    return [
        Token(term, start, end, position)
        for position, (start, end) in enumerate(word_spans(text))
        for term in index_terms(text[start:end])
    ]


def analyze_query(text: str) -> list[Token]:
    """`marsad_arabic`: one term per token, no clitic expansion."""
    return [
        Token(term, start, end, position)
        for position, (start, end) in enumerate(word_spans(text))
        if (term := query_term(text[start:end])) is not None
    ]


def analyze_variants(text: str) -> list[Token]:
    """`marsad_variants` (the `name_variants` field, index and search side): the transliteration char filter, then
    the standard chain up to Arabic normalization, then the fold (``marsad.workers.stages.variants.fold``)."""
    mapped = transliteration_letters(text)
    return [
        Token(key, start, end, position)
        for position, (start, end) in enumerate(word_spans(mapped))
        if (key := _variant_key(mapped[start:end])) is not None
    ]


@lru_cache(maxsize=200_000)
def _variant_key(token: str) -> str | None:
    term = _normalized(token)
    return None if term is None else fold(term)
