"""Record types that cross a stage or transport boundary (docs/interfaces.md §1-§3).

Plain frozen dataclasses: every transport (embedded store, Kafka, Elasticsearch) serialises them with
``to_dict``; nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

EntityType = Literal["PER", "LOC", "ORG", "MISC"]


@dataclass(frozen=True, slots=True)
class SourcePosition:
    """Where a payload came from: a file and line, a feed URL, or a Kafka topic/partition/offset."""

    source: str
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class RawInput:
    """One undecoded record as a reader or consumer got it, before validation."""

    payload: bytes
    position: SourcePosition
    # Set by readers that already know the shape (e.g. a .txt file's stem, a feed entry's id).
    hint_id: str | None = None
    content_type: Literal["json", "text"] = "json"
    # Epoch seconds the record was appended to its log (Kafka's record timestamp); None: when it was read.
    appended_at: float | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """A validated raw article (docs/interfaces.md §1) with its stable id resolved."""

    id: str
    body: str
    title: str = ""
    url: str | None = None
    source: str | None = None
    published_at: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    text: str
    type: EntityType
    canonical: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class EnrichedDocument:
    """What is indexed (docs/interfaces.md §2)."""

    id: str
    source: str | None
    url: str | None
    title: str
    published_at: str | None
    ingested_at: str
    body: str
    content_hash: str
    duplicate_of: str | None
    story_id: str
    entities: tuple[Entity, ...] = ()
    alerts: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        # One level deep by hand: ``asdict`` deep-copies every value, slow for dozens of entities.
        data = {name: getattr(self, name) for name in _DOCUMENT_FIELDS}
        data["entities"] = [{name: getattr(e, name) for name in _ENTITY_FIELDS} for e in self.entities]
        data["alerts"] = list(self.alerts)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EnrichedDocument:
        fields = dict(data)
        fields["entities"] = tuple(Entity(**e) for e in data.get("entities", ()))
        fields["alerts"] = tuple(data.get("alerts", ()))
        return cls(**fields)


_DOCUMENT_FIELDS = tuple(field.name for field in fields(EnrichedDocument))
_ENTITY_FIELDS = tuple(field.name for field in fields(Entity))


@dataclass(frozen=True, slots=True)
class Alert:
    """A fired alert (docs/interfaces.md §3)."""

    rule: str
    doc_id: str
    story_id: str
    matched: tuple[str, ...]
    fired_at: str

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["matched"] = list(self.matched)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        return cls(data["rule"], data["doc_id"], data["story_id"], tuple(data["matched"]), data["fired_at"])


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A record that could not be used, with the stage that refused it and why."""

    stage: str
    reason: str
    payload: bytes
    position: SourcePosition
    rejected_at: str = field(default="")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form: the payload as text where it decodes, else with replacement characters."""
        return {
            "stage": self.stage,
            "reason": self.reason,
            "source": self.position.source,
            "topic": self.position.topic,
            "partition": self.position.partition,
            "offset": self.position.offset,
            "line": self.position.line,
            "payload": self.payload.decode("utf-8", errors="replace"),
            "rejected_at": self.rejected_at,
        }
