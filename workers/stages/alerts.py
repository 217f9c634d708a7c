"""Alert rules (docs/interfaces.md §4): which rules a document matches, with the surface strings that matched.

Firing once per (rule, story) is the decider's job, since it needs to remember what fired; this stage says
what matches. ``SpikeWindows`` is the stateful part of spike rules, kept by the decider: pure, and driven only
by the documents' event times, so both run modes decide alike.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from marsad.topics.records import Entity, EntityType
from marsad.workers.config import load_yaml
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


# The store and the ``news-alerts`` index keep every alert whatever the rule says (once per story rests on
# them), so ``elasticsearch`` is accepted and implied; ``log``, ``kafka`` and webhooks are routed.
Channel = Literal["log", "kafka", "elasticsearch"] | WebhookChannel


def webhook_urls(channels: Sequence[Channel]) -> tuple[str, ...]:
    return tuple(str(channel.webhook) for channel in channels if isinstance(channel, WebhookChannel))


class Spike(BaseModel):
    """Fires when the documents matching the rule in the last ``window`` (by event time) number at least
    ``min_count`` and ``factor`` times the mean of the ``baseline_windows`` windows before it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window: timedelta = Field(gt=timedelta(0))
    factor: float = Field(default=3.0, gt=1.0)
    min_count: int = Field(default=3, ge=1)
    baseline_windows: int = Field(default=1, ge=1)


class AlertRule(BaseModel):
    """Every condition given must hold: any of ``keywords``, all of ``all``, none of ``none``, any of
    ``entities``, any of ``sources``. With ``spike``, a matching document is a mention and the rule fires
    when mentions spike. ``realert``: least time between two notifications of the rule (the store keeps every
    alert); ``digest``: send what ``realert`` held back once its period is over."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[\w.-]+$")
    keywords: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    entities: tuple[EntityCondition, ...] = ()
    sources: tuple[str, ...] = ()
    channels: tuple[Channel, ...] = ("log", "kafka")
    spike: Spike | None = None
    realert: timedelta | None = Field(default=None, gt=timedelta(0))
    digest: bool = False

    @model_validator(mode="after")
    def _has_a_positive_condition(self) -> AlertRule:
        if not (self.keywords or self.all or self.entities):
            raise ValueError(f"rule {self.id!r} needs at least one of keywords, all, entities")
        if self.digest and self.realert is None:
            raise ValueError(f"rule {self.id!r}: digest collects what realert holds back, so it needs realert")
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
    return load_yaml(path, RuleFile).rules


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


class SpikeWindows:
    """Per spike rule, the event times of its recent mentions. ``observe`` is a pure function of the times
    seen so far: the same documents in the same order fire the same spikes in both run modes, and a document
    arriving late is counted at its own event time."""

    def __init__(self) -> None:
        self._times: dict[str, list[float]] = {}
        self._fired_at: dict[str, float] = {}

    def observe(self, rule_id: str, spike: Spike, at: float) -> bool:
        """Records a mention at event time ``at``; True when it makes the rule spike: when a window ending at
        a mention in ``[at, at + window)`` (the windows this one adds to) holds at least ``min_count`` mentions
        and ``factor`` times its baseline. A rule spikes at most once per window: a burst is one alert.
        Mentions up to a window older than the newest are counted exactly; older ones are ignored."""
        window = spike.window.total_seconds()
        span = (1 + spike.baseline_windows) * window  # a window and its baseline
        times = self._times.setdefault(rule_id, [])
        newest = max(at, times[-1]) if times else at
        if at < newest - window:
            return False
        insort(times, at)
        del times[: bisect_left(times, newest - window - span)]
        fired_at = self._fired_at.get(rule_id)
        for end in times[bisect_left(times, at) : bisect_left(times, at + window)]:
            if fired_at is not None and abs(end - fired_at) < window:
                continue
            current = bisect_right(times, end) - bisect_right(times, end - window)
            baseline = (bisect_right(times, end - window) - bisect_right(times, end - span)) / spike.baseline_windows
            if current >= spike.min_count and current >= spike.factor * baseline:
                self._fired_at[rule_id] = end
                return True
        return False
