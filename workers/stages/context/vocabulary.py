"""What the context tagger knows of words: the triggers of each context, the lexicon's frequencies, the gazetteer's
name words, given names and places, and the nationalities made of them; and what a word is, read with them."""

from __future__ import annotations

from collections.abc import Iterable

from marsad.workers.stages.context.shapes import feminine, nisba
from marsad.workers.stages.context.window import Token
from marsad.workers.stages.context.words import (
    ADMINISTRATIONS,
    CLITIC_GAIN,
    COMMON_ZIPF,
    COMPOUND_TRIGGERS,
    DEFINITE_EVENT_HEADS,
    DEFINITE_HEADS,
    ENDERS,
    EVENT_HEADS,
    FACILITY_TRIGGERS,
    FIELD_HEADS,
    IRREGULAR_NATIONALITIES,
    KNOWN_ZIPF,
    MARKS,
    MEETING_HEADS,
    MONTHS,
    NAME_LINKS,
    NATIONAL_HEADS,
    NATIONAL_TEAM,
    NISBA_HEADS,
    ORGANISATION_HEADS,
    PERSON_TITLES,
    PLACE_ZIPF,
    PROCLITICS,
    RARE_ZIPF,
    SAYING_VERBS,
    SETTLEMENT_TRIGGERS,
)
from marsad.workers.stages.normalize import normalize


class Vocabulary:
    """The words every context reads, normalized. ``frequencies`` are Zipf frequencies of normalized words
    (``marsad.search.analyzer.lexicon``); ``name_words`` are words of known names (the gazetteer's), ``place_names``
    the names of known places (nationalities are made of them)."""

    def __init__(
        self,
        frequencies: dict[str, float],
        name_words: Iterable[str],
        stopwords: Iterable[str],
        place_names: Iterable[str] = (),
        given_names: Iterable[str] = (),
    ) -> None:
        self.frequencies = frequencies
        self.name_words = frozenset(normalize(word) for word in name_words)
        written_places = [" ".join(MARKS.sub("", name).split()) for name in place_names]
        names = [normalize(name) for name in written_places]
        self.places = frozenset(name for name in names if " " not in name)
        # A nationality is made of a one-word place name, or of the first word of a longer one («كوريا الجنوبية»), of a
        # place texts name often (a country, a region, a big city) and that is no common noun (its form with or
        # without the article is rare, or much rarer: «سعودية» is, «جنوب», «سوق» are not): other nisbas are mostly
        # everyday adjectives («المعدني» of «معدن جديد», «اللبني» of «اللبن الشرقية», «البحري», «السوقي»).
        self.nationalities = IRREGULAR_NATIONALITIES | _nationalities(
            place
            for place in {*self.places, *(name.split()[0] for name in names if " " in name)}
            if (frequency := frequencies.get(place, 0.0)) >= PLACE_ZIPF
            and frequencies.get(place[2:] if place.startswith("ال") else f"ال{place}", 0.0)
            < max(RARE_ZIPF, frequency - 1.0)
        )
        # A national team is named by its country, spelled as most texts spell it: «المنتخب السوري» is «منتخب سوريا».
        countries: dict[str, str] = {}
        for written in written_places:
            if " " in written:
                continue
            for nationality in _nationalities([normalize(written)]):
                spelled = countries.get(nationality)
                if spelled is None or frequencies.get(normalize(written), 0.0) > frequencies.get(
                    normalize(spelled), 0.0
                ):
                    countries[nationality] = written
        self.countries = {nationality: country for nationality, country in countries.items() if nationality[-1] == "ي"}
        titles = _words(PERSON_TITLES)
        # A title's feminine, when the lexicon has it rarer than the masculine: «المزارعة», not «المؤسسة» (an
        # institution), «المحافظة» (a governorate) or «المعارضة» (the opposition); also a title and «his» («مهاجمه»).
        self.titles = titles | {
            f"{title}ه"
            for title in titles
            if title[-1] not in "هاي" and frequencies.get(f"{title}ه", 0.0) < frequencies.get(title, 0.0)
        }
        self.sayings = _words(SAYING_VERBS)
        self.enders = _words(ENDERS) | frozenset(normalize(word) for word in stopwords)
        # «علي» is also «على» typed without its dots, «إمام» is «أمام»: no given names for this context.
        # Links are no given names: «بن عكنون» is a town, «أبي رقراق» a river.
        self.given_names = frozenset(normalize(name) for name in given_names) - {"علي"} - self.enders - NAME_LINKS
        self.heads = _words(ORGANISATION_HEADS)
        self.administrations = _words(ADMINISTRATIONS)
        self.settlements = _words(SETTLEMENT_TRIGGERS)
        self.facilities = _words(FACILITY_TRIGGERS)
        self.nisba_heads = _words(NISBA_HEADS)
        self.field_heads = _words(FIELD_HEADS) | self.nisba_heads
        self.events = _words(EVENT_HEADS)
        self.months = _words(MONTHS)
        self.triggers = (
            self.titles
            | self.heads
            | self.settlements
            | self.facilities
            | set(DEFINITE_HEADS)
            | NATIONAL_HEADS
            | self.field_heads
            | self.events
            | DEFINITE_EVENT_HEADS
            | COMPOUND_TRIGGERS
            | MEETING_HEADS
            | {NATIONAL_TEAM}
            | self.sayings
        )
        # A place's name may make a trigger look like a nationality («الدوري» of a town «دورا»): it is the trigger.
        self.nationalities -= self.triggers

    def bare(self, word: str) -> str:
        """The word without proclitics, when what remains is a trigger or a known word."""
        if word in self.triggers or word in self.name_words or word in self.given_names or word[0] not in "وفبلك":
            return word
        if word.startswith("لل") and word[1:] in self.heads:
            return word  # «للجنة» is ل + «اللجنة»: a definite noun, not the head «لجنة»
        for prefix in PROCLITICS:
            rest = word[len(prefix) :]
            if word.startswith(prefix) and len(rest) >= 3 and (rest in self.triggers or rest in self.name_words):
                return rest
            if word.startswith(prefix) and prefix.endswith("ب") and rest in self.settlements:
                return rest  # «بحي الجمالية»; not «وحي», a revelation
            # A given name that is also a word after «ب», «ل», «ك» is mostly the word: «بكامل طاقته».
            if (
                word.startswith(prefix)
                and rest in self.given_names
                and not self._protected(word, rest)
                and (prefix in ("و", "ف") or self.frequencies.get(rest, 0.0) < RARE_ZIPF)
            ):
                return rest
        return word

    def _protected(self, word: str, rest: str) -> bool:
        """Whether ``word`` is a word of its own, not a proclitic and the given name ``rest`` («بسام», «وعد»)."""
        return word in self.frequencies and self.frequencies[word] > self.frequencies.get(rest, 0.0) - CLITIC_GAIN

    def definite(self, word: str) -> str | None:
        """The definite trigger a «لل…» word is ل + of («للهيئة» → «الهيئة», «للجنة» → «اللجنة»), if it is one."""
        if not word.startswith("لل"):
            return None
        for definite in (f"ا{word}", f"ال{word[2:]}"):
            if definite in self.triggers:
                return definite
        return None

    def title(self, word: str) -> bool:
        """A title or role, also in the feminine («القاضية»)."""
        return word in self.titles or (word[-1] == "ه" and word[:-1] in self.titles)

    def describes(self, word: str, head: str) -> bool:
        """Whether the indefinite ``word`` after the indefinite ``head`` is an adjective the lexicon knows that agrees
        with it: feminine after a feminine head («شركة ناشئة», «قرية مجاورة»), or a relation adjective («اتحاد
        عمالي»). A place or a rare name word is no adjective («جامعة حماة»); a frequent one may be («مؤسسة مالية»)."""
        frequency = self.frequencies.get(word, 0.0)
        if word.startswith("ال") or word in self.places or (word in self.name_words and frequency < RARE_ZIPF):
            return False
        # An adjective is a word with the article too: «المجاورة»; a name is not: «بلدة ربيعة».
        known = self.frequencies.get(f"ال{word}", 0.0) >= KNOWN_ZIPF
        # An elative describes a noun of either gender: «حركة أنشط من المعتاد», «شركة أكبر».
        elative = len(word) == 4 and word[0] == "ا" and word not in self.given_names and frequency >= KNOWN_ZIPF
        return elative or (known and (feminine(word) if feminine(head) else nisba(f"ال{word}")))

    def common(self, word: str) -> bool:
        return word not in self.name_words and self.frequencies.get(word, 0.0) >= COMMON_ZIPF

    def name_word(self, token: Token) -> bool:
        word = token.word
        return not token.broken and word not in self.enders and word not in self.triggers and not self.common(word)


def _words(text: str) -> frozenset[str]:
    return frozenset(normalize(word) for word in text.split())


def _nationalities(places: Iterable[str]) -> frozenset[str]:
    """The definite nationalities made of one-word place names: «سوريا» → «السوري», «السورية» (normalized «السوريه»);
    «البرازيل» → «البرازيلي»; «آسيا» → «الآسيوي»; «السعودية» → «السعودي»."""
    found: set[str] = set()
    for place in places:
        # «ألمانيا» → «الألماني»: a name may begin with the article's letters, so it is read with and without them.
        for base in {place.removeprefix("ال"), place}:
            stems = {base}
            if base.endswith(("يا", "يه")):
                stems.add(base[:-2])
            if base.endswith("ا"):
                stems.update((base[:-1], f"{base[:-1]}و"))
            found.update(f"ال{stem}{ending}" for stem in stems if len(stem) >= 2 for ending in ("ي", "يه"))
    return frozenset(found)
