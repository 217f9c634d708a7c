"""Entity tagging with a gazetteer: every variant of a name maps to one canonical entity.

The gazetteer (``config/gazetteer/*.yaml``) lists per entity its canonical name, type, ``aliases`` (other
full forms, always matched) and ``short`` forms (a surname alone, say), which are matched only once a full
form of the same entity has appeared earlier in the document: «الشرع» after «أحمد الشرع» is the president,
«الأسد» without «بشار الأسد» before it may be a lion. Matching is clitic- and variant-aware (``terms``).

An entity's ``ambiguous`` forms are also common words or another entity's name («الهلال» is a crescent, «النصر» a
victory, «برشلونة» a city): they count only with one of the entity's ``cues`` (a sports word, «مباراة»، «الدوري»)
a few words away, in an article with several of its cues, or after the entity was taken so earlier in it; an
ambiguous form listed with diacritics is meant wherever it is written with them («عمّان», Amman, not «عُمان»).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from marsad.topics.records import Entity, EntityType
from marsad.workers.config import ConfigError, load_yaml
from marsad.workers.stages.context.words import TIME_WORDS
from marsad.workers.stages.normalize import DIACRITICS, NormalizedText, normalize
from marsad.workers.stages.terms import TermHit, TermMatcher, longest_non_overlapping, surfaces


class GazetteerEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    canonical: str = Field(min_length=1)
    type: EntityType
    aliases: tuple[str, ...] = ()
    short: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _ambiguous_forms_have_cues(self) -> GazetteerEntry:
        if bool(self.ambiguous) != bool(self.cues):
            raise ValueError(f"{self.canonical!r}: ambiguous forms and cues go together")
        return self


class GazetteerFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    entities: tuple[GazetteerEntry, ...]


class GazetteerError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class _Form:
    canonical: str
    type: EntityType
    is_short: bool
    cues: frozenset[str] = frozenset()  # normalized; one must be near (``ambiguous`` forms)
    marks: str = ""  # an ambiguous form's diacritics: written with them, it is meant («عمّان» is not «عُمان»)


def load_gazetteer(directory: Path) -> list[GazetteerEntry]:
    """Every entry of every ``*.yaml`` file in ``directory``, validated; a form may belong to one entity only, and an
    ambiguous form to one entity among those that list it as ambiguous."""
    entries: list[GazetteerEntry] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            entries.extend(load_yaml(path, GazetteerFile).entities)
        except ConfigError as error:
            raise GazetteerError(str(error)) from None
    owner: dict[str, str] = {}
    for entry in entries:
        for form in _forms(entry):
            key = normalize(form)
            previous = owner.setdefault(key, entry.canonical)
            if previous != entry.canonical:
                raise GazetteerError(f"form {form!r} belongs to both {previous!r} and {entry.canonical!r}")
    ambiguous_owner: dict[str, str] = {}
    for entry in entries:
        for form in entry.ambiguous:
            previous = ambiguous_owner.setdefault(normalize(form), entry.canonical)
            if previous != entry.canonical:
                raise GazetteerError(f"ambiguous form {form!r} belongs to both {previous!r} and {entry.canonical!r}")
    return entries


def _forms(entry: GazetteerEntry) -> list[str]:
    """The entry's forms that count without a cue: a canonical name may itself be ambiguous («عمّان» is «عمان»)."""
    ambiguous = {normalize(form) for form in entry.ambiguous}
    return [form for form in (entry.canonical, *entry.aliases, *entry.short) if normalize(form) not in ambiguous]


RARE_SURNAME_ZIPF = 4.5


def _surnames(entries: Sequence[GazetteerEntry], frequencies: Mapping[str, float]) -> dict[str, set[str]]:
    """Short forms the gazetteer does not list: a person's last name (the last word of a full form of two words or
    more), when it is a rare word (not «سلامة», safety) and no other entity has that word among its forms or last
    names («الأنصاري» after «ماجد الأنصاري»)."""
    taken: dict[str, set[str]] = {}
    for entry in entries:
        for form in (entry.canonical, *entry.aliases, *entry.short):
            taken.setdefault(normalize(form), set()).add(entry.canonical)
    last: dict[str, set[str]] = {}
    for entry in entries:
        if entry.type != "PER":
            continue
        for form in (entry.canonical, *entry.aliases):
            words = form.split()
            if len(words) >= 2 and len(normalize(words[-1])) >= 3:
                last.setdefault(normalize(words[-1]), set()).add(entry.canonical)
    found: dict[str, set[str]] = {}
    for entry in entries:
        if entry.type != "PER":
            continue
        for form in (entry.canonical, *entry.aliases):
            words = form.split()
            if len(words) < 2:
                continue
            key = normalize(words[-1])
            if (
                last.get(key) == {entry.canonical}
                and taken.get(key, {entry.canonical}) == {entry.canonical}
                and frequencies.get(key, 0.0) < RARE_SURNAME_ZIPF
            ):
                found.setdefault(entry.canonical, set()).add(words[-1])
    return found


# «وفداً», «زواراً»: a word with the accusative ending «ـاً» is an indefinite noun, not the place or body it spells
# (a person's name may take it: «التقى محمداً»).
_TANWEEN_FATH = "\u064b"
CUE_WINDOW = 48  # characters of normalized text either side of an ambiguous form: about eight words
# An ambiguous form after one of these words is the second noun of another name or phrase («كأس الخليج», «منتخب
# الشباب», «ولي العهد», «حركة النهضة»), not the entity; normalized.
# fmt: off
_HEADS_BEFORE = frozenset({
    "كاس", "بطوله", "دوري", "ابطال", "منتخب", "فئه", "وزاره", "وزير", "وزيره", "هيئه", "رعايه", "مجلس", "اتحاد", "حزب",
    "حركه", "جبهه", "لجنه", "منظمه", "بنك", "يوم", "عيد", "ساحه", "شارع", "ولي", "جريده", "صحيفه", "قناه", "فندق",
    "مستشفي", "جامعه", "مدرسه",
})
# fmt: on
# After these words an ambiguous form that is also another entity's name is that entity: «في برشلونة» is the city.
_PLACE_WORDS = frozenset({"في", "الي", "مدينه", "بمدينه", "لمدينه", "عاصمه"})
# Definite words that may follow a name: relative pronouns, days and times («فاز الهلال الأحد»).
_FOLLOWERS = frozenset(
    [
        "الذي",
        "التي",
        "الذين",
        "اليوم",
        "الليله",
        "الاحد",
        "الاثنين",
        "الثلاثاء",
        "الاربعاء",
        "الخميس",
        "الجمعه",
        "السبت",
    ]
)
# An article with this many cues of an entity (a match report) is about its field: the entity's ambiguous forms
# without the article («برشلونة», «سيتي») count anywhere in it.
TOPIC_CUES = 3


class GazetteerTagger:
    def __init__(self, entries: Iterable[GazetteerEntry], frequencies: Mapping[str, float] | None = None) -> None:
        """``frequencies`` (Zipf, of normalized words): with them, a person's rare last name counts as a short form
        (``_surnames``)."""
        entries = list(entries)
        forms: list[tuple[str, _Form]] = []
        surnames = _surnames(entries, frequencies) if frequencies is not None else {}
        cues: set[str] = set()
        for entry in entries:
            full = _Form(entry.canonical, entry.type, is_short=False)
            short = _Form(entry.canonical, entry.type, is_short=True)
            forms.extend((form, full) for form in {entry.canonical, *entry.aliases} & set(_forms(entry)))
            forms.extend((form, short) for form in {*entry.short, *surnames.get(entry.canonical, ())})
            entry_cues = frozenset(map(normalize, entry.cues))
            for form in set(entry.ambiguous):
                marks = "".join(char for char in form if char in DIACRITICS)
                forms.append((form, _Form(entry.canonical, entry.type, is_short=False, cues=entry_cues, marks=marks)))
            cues.update(entry_cues)
        self._matcher = TermMatcher(forms, frequencies=frequencies)
        self._canonical_words = {entry.canonical: normalize(entry.canonical) for entry in entries}
        # Cues match as written, after clitics: a cue that counts with the article lists that form too.
        self._cues = TermMatcher((cue, cue) for cue in cues)

    @classmethod
    def from_directory(cls, directory: Path) -> GazetteerTagger:
        return cls(load_gazetteer(directory))

    def tag(self, body: NormalizedText, title: NormalizedText | None = None) -> list[Entity]:
        """Entities of ``body`` (offsets into it); full names in ``title`` count as mentioned before the body."""
        hits = self._matcher.find(body)
        if any(hit.payload.cues for hit in hits):
            hits = self._resolve_ambiguous(hits, body, title)
        first_full: dict[str, int] = {}
        if title is not None:
            first_full.update(
                (hit.payload.canonical, -1) for hit in self._matcher.find(title) if not hit.payload.is_short
            )
        for hit in hits:
            if not hit.payload.is_short:
                first_full.setdefault(hit.payload.canonical, hit.start)
        usable: list[TermHit[_Form]] = [
            hit
            for hit in hits
            if (not hit.payload.is_short or first_full.get(hit.payload.canonical, len(body.original)) < hit.start)
            and not _qualified_otherwise(hit, self._canonical_words[hit.payload.canonical], body)
        ]
        chosen = longest_non_overlapping(usable)
        return [
            Entity(text, hit.payload.type, hit.payload.canonical, start, end)
            for hit, (start, end, text) in zip(chosen, surfaces(body, chosen), strict=True)
            if hit.payload.type == "PER" or _TANWEEN_FATH not in text[-2:]
        ]

    def _resolve_ambiguous(
        self, hits: list[TermHit[_Form]], body: NormalizedText, title: NormalizedText | None
    ) -> list[TermHit[_Form]]:
        """``hits`` with each ambiguous form kept only where it is meant, and its other reading, if any, elsewhere.

        An ambiguous form is meant with a cue of its entity near it or ``TOPIC_CUES`` in the body, or after a full
        form of the entity or a meant ambiguous one (in the title or earlier in the body); never where it is part
        of another phrase (``_out_of_place``), nor, when it is not a place and also another entity's name, after a
        word for a place («في برشلونة» is the city)."""
        # An entity is its canonical name and its type: the club «قطر» is not the country «قطر».
        confirmed: set[tuple[str, EntityType]] = set()
        if title is not None:
            title_cues = self._cues.find(title)
            for hit in self._matcher.find(title):
                if not hit.payload.is_short and (
                    not hit.payload.cues or _marked(hit, title) or _meant(hit, title_cues, title)
                ):
                    confirmed.add((hit.payload.canonical, hit.payload.type))
        cues = self._cues.find(body)
        spans: dict[tuple[int, int], list[TermHit[_Form]]] = {}
        for hit in hits:
            spans.setdefault((hit.start, hit.end), []).append(hit)

        def meant(hit: TermHit[_Form]) -> bool:
            if _out_of_place(hit, body):
                return False
            if hit.payload.type != "LOC" and len(spans[(hit.start, hit.end)]) > 1 and _after_place_word(hit, body):
                return False
            entity = (hit.payload.canonical, hit.payload.type)
            return entity in confirmed or _marked(hit, body) or _meant(hit, cues, body)

        kept: list[TermHit[_Form]] = []
        for hit in hits:
            if hit.payload.cues:
                if meant(hit):
                    confirmed.add((hit.payload.canonical, hit.payload.type))
                    kept.append(hit)
            elif not any(other.payload.cues and meant(other) for other in spans[(hit.start, hit.end)]):
                if not hit.payload.is_short:
                    confirmed.add((hit.payload.canonical, hit.payload.type))
                kept.append(hit)
        return kept


def _meant(hit: TermHit[_Form], cues: Sequence[TermHit[str]], text: NormalizedText) -> bool:
    """The hit is in its place (``_out_of_place``), with one of its cues near it or ``TOPIC_CUES`` in the text."""
    if _out_of_place(hit, text):
        return False
    own = [cue for cue in cues if cue.payload in hit.payload.cues]
    # A common word with the article («الشباب» youth) stays a word in an article about sport unless a cue is near.
    topical = len(own) >= TOPIC_CUES and not text.words.startswith("ال", hit.start)
    return topical or any(hit.start - CUE_WINDOW <= cue.start and cue.end <= hit.end + CUE_WINDOW for cue in own)


def _marked(hit: TermHit[_Form], text: NormalizedText) -> bool:
    """The form is written with the diacritics that tell it from its other readings («عمّان» with its shadda)."""
    if not hit.payload.marks:
        return False
    ((_, _, surface),) = surfaces(text, [hit])
    return "".join(char for char in surface if char in DIACRITICS).endswith(hit.payload.marks)


def _out_of_place(hit: TermHit[_Form], text: NormalizedText) -> bool:
    """The form is part of another phrase: after a head word («كأس الخليج», «ولي العهد»); and a form with the article,
    an adjective after a definite word («اللاعبين الشباب») or a noun before its definite adjective («الوحدة
    الوطنية» is unity; a masculine nisba or a time may follow a club: «الهلال السعودي», «فاز النصر الأحد»). A name
    without the article may be followed by anything definite («ويحتل سيتي المركز الرابع»)."""
    head, _, glued = text.words[: hit.start].rpartition(" ")
    previous = "" if glued else head.rsplit(" ", 1)[-1]
    if previous in _HEADS_BEFORE:
        return True
    if not text.words.startswith("ال", hit.start):
        return False
    following = text.words[hit.end + 1 :].split(" ", 1)[0]
    return previous.startswith("ال") or (
        following.startswith("ال") and not following.endswith("ي") and following not in _FOLLOWERS
    )


def _qualified_otherwise(hit: TermHit[_Form], canonical: str, text: NormalizedText) -> bool:
    """A form that is the canonical name without its last words, followed at once by another definite nisba
    adjective, names another entity: «مجلس الأمن القومي» is not «مجلس الأمن الدولي», «الساحل الأفريقي» not «الساحل
    السوري» (but «مواجهة بايرن المقبلة» is Bayern's next match, «الماضي» a time)."""
    form = text.words[hit.start : hit.end]
    if not canonical.startswith(form + " ") or text.normalized[hit.end : hit.end + 1] != " ":
        return False
    following = text.words[hit.end + 1 :].split(" ", 1)[0]
    return (
        following.startswith("ال")
        and following.endswith(("ي", "يه"))
        and following not in TIME_WORDS
        and following != canonical[len(form) + 1 :].split(" ", 1)[0]
    )


def _after_place_word(hit: TermHit[_Form], text: NormalizedText) -> bool:
    """After «في», «مدينة» …, or with the preposition ب glued to it («ببرشلونة»)."""
    head, _, glued = text.words[: hit.start].rpartition(" ")
    return "ب" in glued or (not glued and head.rsplit(" ", 1)[-1] in _PLACE_WORDS)
