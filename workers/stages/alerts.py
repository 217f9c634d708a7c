"""Alert rules (CONTRACTS.md §4): which rules a document matches, with the surface strings that matched.

Firing once per (rule, story) is the runner's job, since it needs to remember what fired; this stage only
says what matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from marsad.topics.records import Entity, EntityType
from marsad.workers.stages.normalize import NormalizedText, normalize
from marsad.workers.stages.terms import TermMatcher, surfaces

TermKind = Literal["keywords", "all", "none"]


class EntityCondition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    canonical: str = Field(min_length=1)
    type: EntityType | None = None


class WebhookChannel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    webhook: HttpUrl


Channel = Literal["log", "kafka", "elasticsearch"] | WebhookChannel


class AlertRule(BaseModel):
    """Every condition given must hold: any of ``keywords``, all of ``all``, none of ``none``, any of
    ``entities``, any of ``sources``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[\w.-]+$")
    keywords: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    entities: tuple[EntityCondition, ...] = ()
    sources: tuple[str, ...] = ()
    channels: tuple[Channel, ...] = ("log",)

    @model_validator(mode="after")
    def _has_a_positive_condition(self) -> AlertRule:
        if not (self.keywords or self.all or self.entities):
            raise ValueError(f"rule {self.id!r} needs at least one of keywords, all, entities")
        return self


class RuleFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: tuple[AlertRule, ...]

    @model_validator(mode="after")
    def _unique_ids(self) -> RuleFile:
        ids = [rule.id for rule in self.rules]
        duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
        if duplicates:
            raise ValueError(f"duplicate rule ids: {', '.join(duplicates)}")
        return self


def load_rules(path: Path) -> tuple[AlertRule, ...]:
    return RuleFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).rules


@dataclass(frozen=True, slots=True)
class RuleMatch:
    rule: AlertRule
    matched: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Term:
    rule_index: int
    kind: TermKind
    term: str


class RuleSet:
    def __init__(self, rules: Sequence[AlertRule]) -> None:
        self.rules = tuple(rules)
        terms: list[tuple[str, _Term]] = []
        for index, rule in enumerate(self.rules):
            for kind in ("keywords", "all", "none"):
                terms.extend((term, _Term(index, kind, normalize(term))) for term in getattr(rule, kind))
        self._matcher = TermMatcher(terms, add_article=True)

    def evaluate(
        self, title: NormalizedText, body: NormalizedText, entities: Sequence[Entity], source: str | None
    ) -> list[RuleMatch]:
        found: dict[tuple[int, TermKind], dict[str, list[str]]] = {}
        for text in (title, body):
            hits = self._matcher.find(text)
            for hit, (_, _, surface_form) in zip(hits, surfaces(text, hits), strict=True):
                term = hit.payload
                found.setdefault((term.rule_index, term.kind), {}).setdefault(term.term, []).append(surface_form)
        matches: list[RuleMatch] = []
        for index, rule in enumerate(self.rules):
            keyword_hits = found.get((index, "keywords"), {})
            all_hits = found.get((index, "all"), {})
            if rule.keywords and not keyword_hits:
                continue
            if rule.all and len(all_hits) < len({normalize(term) for term in rule.all}):
                continue
            if found.get((index, "none")):
                continue
            entity_hits = [entity.text for entity in entities if _entity_matches(rule.entities, entity)]
            if rule.entities and not entity_hits:
                continue
            if rule.sources and source not in rule.sources:
                continue
            matched = [s for hits in (keyword_hits, all_hits) for group in hits.values() for s in group]
            matches.append(RuleMatch(rule, tuple(dict.fromkeys([*matched, *entity_hits]))))
        return matches


def _entity_matches(conditions: Sequence[EntityCondition], entity: Entity) -> bool:
    return any(
        normalize(condition.canonical) == normalize(entity.canonical)
        and (condition.type is None or condition.type == entity.type)
        for condition in conditions
    )
