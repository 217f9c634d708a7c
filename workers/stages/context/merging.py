"""The gazetteer's entities and the context's in one list: the gazetteer's win, but for a longer name that contains
them («مصرف سورية المركزي») and a person whose name holds a known place or surname («منى الخليل»)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from marsad.topics.records import Entity
from marsad.workers.stages.context.words import MARKS
from marsad.workers.stages.normalize import normalize


def _with_known_places(canonical: str, inside: Sequence[Entity]) -> str:
    """A name's canonical form spelling the places in it as the gazetteer does: «مصرف سورية المركزي» is «مصرف
    سوريا المركزي», whichever way the article spells the country."""
    for place in inside:
        written = " ".join(MARKS.sub("", place.text).split())
        # A spelling of the place, not a longer name of it («الفرات» is no «نهر الفرات» inside «شركة الفرات …»).
        if place.type == "LOC" and written != place.canonical and len(written.split()) == len(place.canonical.split()):
            canonical = re.sub(rf"(?<!\S){re.escape(written)}(?!\S)", place.canonical, canonical, count=1)
    return canonical


def _part_of_person(person: Entity, known: Entity, people: set[str], displaced: set[str]) -> bool:
    """Whether the gazetteer's ``known`` inside a person found from the context is a part of that person's name: a
    place or another person's surname after the first name («منى الخليل», «نورا جنبلاط» is not «وليد جنبلاط»), or
    what a later mention of a person found so names alone: the place, or the person ``displaced`` by it («الخليل»
    after «منى الخليل», «جنبلاط» after «نورا جنبلاط»). ``people``: the canonical names of the people found so."""
    if not (person.start <= known.start and known.end <= person.end) or known.type not in ("PER", "LOC"):
        return False
    if known.start == person.start:
        return (
            known.end == person.end
            and person.canonical in people
            and (known.type == "LOC" or known.canonical in displaced)
        )
    first = normalize(person.canonical.split()[0])
    return known.type == "LOC" or SequenceMatcher(None, first, normalize(known.canonical.split()[0])).ratio() < 0.75


def merge(gazetteer: Sequence[Entity], context: Sequence[Entity]) -> list[Entity]:
    """The gazetteer's entities, and the context's that overlap none of them. A context place or organisation
    that strictly contains the gazetteer entities it overlaps, with a longer canonical name, replaces them: «مصرف سورية
    المركزي» is one organisation, «مطار أربيل الدولي» one place; «بلدة تلكلخ» keeps the gazetteer's «تلكلخ». The
    places inside keep the gazetteer's spelling in the canonical name (``_with_known_places``)."""
    kept = list(gazetteer)
    people: set[str] = set()  # the canonical names of the people found with more than one word
    displaced: set[str] = set()  # the gazetteer's people whose surname one of them has
    for entity in sorted(context, key=lambda e: e.start):
        inside = [g for g in gazetteer if g.start < entity.end and entity.start < g.end]
        if not inside or (entity.type == "PER" and all(_part_of_person(entity, g, people, displaced) for g in inside)):
            kept = [g for g in kept if g not in inside]
            kept.append(entity)
            displaced.update(g.canonical for g in inside if g.type == "PER" and g.start > entity.start)
            if entity.type == "PER" and " " in entity.canonical:
                people.add(entity.canonical)
        elif (
            entity.type != "PER"
            and all(
                entity.start <= g.start
                and g.end <= entity.end
                and len(entity.canonical) > g.end - g.start
                # «منظمة اليونسكو», «نادي السد»: the known body itself; «هيئة الدفاع المدني والإسعاف» names two fields
                and not (entity.type == "ORG" == g.type and not entity.text[g.end - entity.start :].startswith(" و"))
                for g in inside
            )
        ):
            kept = [g for g in kept if g not in inside]
            kept.append(replace(entity, canonical=_with_known_places(entity.canonical, inside)))

    merged: list[Entity] = []
    for entity in sorted(kept, key=lambda e: (e.start, -e.end)):
        if not merged or entity.start >= merged[-1].end:
            merged.append(entity)
    return merged
