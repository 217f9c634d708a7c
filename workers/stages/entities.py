"""Entity tagging with a gazetteer: every variant of a name maps to one canonical entity.

The gazetteer (``config/gazetteer/*.yaml``) lists per entity its canonical name, type, ``aliases`` (other
full forms, always matched) and ``short`` forms (a surname alone, say), which are matched only once a full
form of the same entity has appeared earlier in the document: «الشرع» after «أحمد الشرع» is the president,
«الأسد» without «بشار الأسد» before it may be a lion. Matching is clitic- and variant-aware (``terms``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from marsad.topics.records import Entity, EntityType
from marsad.workers.config import ConfigError, load_yaml
from marsad.workers.stages.normalize import NormalizedText, normalize
from marsad.workers.stages.terms import TermHit, TermMatcher, longest_non_overlapping, surfaces


class GazetteerEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    canonical: str = Field(min_length=1)
    type: EntityType
    aliases: tuple[str, ...] = ()
    short: tuple[str, ...] = ()


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


def load_gazetteer(directory: Path) -> list[GazetteerEntry]:
    """Every entry of every ``*.yaml`` file in ``directory``, validated; a form may belong to one entity only."""
    entries: list[GazetteerEntry] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            entries.extend(load_yaml(path, GazetteerFile).entities)
        except ConfigError as error:
            raise GazetteerError(str(error)) from None
    owner: dict[str, str] = {}
    for entry in entries:
        for form in (entry.canonical, *entry.aliases, *entry.short):
            key = normalize(form)
            previous = owner.setdefault(key, entry.canonical)
            if previous != entry.canonical:
                raise GazetteerError(f"form {form!r} belongs to both {previous!r} and {entry.canonical!r}")
    return entries


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


class GazetteerTagger:
    def __init__(self, entries: Iterable[GazetteerEntry], frequencies: Mapping[str, float] | None = None) -> None:
        """``frequencies`` (Zipf, of normalized words): with them, a person's rare last name counts as a short form
        (``_surnames``)."""
        entries = list(entries)
        forms: list[tuple[str, _Form]] = []
        surnames = _surnames(entries, frequencies) if frequencies is not None else {}
        for entry in entries:
            full = _Form(entry.canonical, entry.type, is_short=False)
            short = _Form(entry.canonical, entry.type, is_short=True)
            forms.extend((form, full) for form in {entry.canonical, *entry.aliases})
            forms.extend((form, short) for form in {*entry.short, *surnames.get(entry.canonical, ())})
        self._matcher = TermMatcher(forms)

    @classmethod
    def from_directory(cls, directory: Path) -> GazetteerTagger:
        return cls(load_gazetteer(directory))

    def tag(self, body: NormalizedText, title: NormalizedText | None = None) -> list[Entity]:
        """Entities of ``body`` (offsets into it); full names in ``title`` count as mentioned before the body."""
        hits = self._matcher.find(body)
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
            if not hit.payload.is_short or first_full.get(hit.payload.canonical, len(body.original)) < hit.start
        ]
        chosen = longest_non_overlapping(usable)
        return [
            Entity(text, hit.payload.type, hit.payload.canonical, start, end)
            for hit, (start, end, text) in zip(chosen, surfaces(body, chosen), strict=True)
            if hit.payload.type == "PER" or _TANWEEN_FATH not in text[-2:]
        ]
