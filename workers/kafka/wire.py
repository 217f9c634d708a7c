"""Kafka message bodies of the distributed worker: prepared articles (internal topic) and dead letters."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

import orjson

from marsad.topics.records import Article, DeadLetter, Entity, SourcePosition
from marsad.workers.pipeline import Prepared
from marsad.workers.stages.alerts import AlertRule, RuleMatch
from marsad.workers.stages.dedup import Fingerprint, array_text, shingles_from_text, signature_from_text


def _flat(record: Article | Entity) -> dict[str, Any]:
    """``asdict`` without its recursive deep copies, which made encoding a hot spot (dozens of entities each)."""
    return {field.name: getattr(record, field.name) for field in fields(record)}


def encode_prepared(prepared: Prepared) -> bytes:
    fingerprint = prepared.fingerprint
    # orjson: UTF-8 JSON like json.dumps(ensure_ascii=False), about 3x faster on ~15 KB per article.
    return orjson.dumps(
        {
            "article": _flat(prepared.article),
            "body": prepared.body,
            "content_hash": fingerprint.content_hash,
            "shingles": array_text(fingerprint.shingles),
            "signature": array_text(fingerprint.signature),
            "entities": [_flat(entity) for entity in prepared.entities],
            "matches": [{"rule": match.rule.id, "matched": list(match.matched)} for match in prepared.matches],
            "appended_at": prepared.appended_at,
        }
    )


def decode_prepared(payload: bytes, rules: Mapping[str, AlertRule]) -> Prepared:
    """``rules`` by id, the rules in force: matches name their rule. A match of a rule removed from the rules
    file since the article was prepared is dropped (the rule no longer fires); the article stays."""
    data = orjson.loads(payload)
    fingerprint = Fingerprint(
        data["content_hash"],
        shingles_from_text(data["shingles"]),
        signature_from_text(data["signature"]),
    )
    return Prepared(
        article=Article(**data["article"]),
        body=data["body"],
        fingerprint=fingerprint,
        entities=tuple(Entity(**entity) for entity in data["entities"]),
        matches=tuple(
            RuleMatch(rules[match["rule"]], tuple(match["matched"]))
            for match in data["matches"]
            if match["rule"] in rules
        ),
        appended_at=data["appended_at"],
    )


# Long enough for any reason marsad writes; Elasticsearch's error for one refused document can be longer.
MAX_REASON_CHARS = 4_000


def encode_dead_letter(letter: DeadLetter, max_bytes: int) -> bytes:
    """``DeadLetter.to_dict()`` plus the exact original bytes in base64 (``payload`` is lossy for bad UTF-8),
    never over ``max_bytes`` (the topic's message limit): a payload too big is cut to fit, and the message
    says so (``payload_truncated``: true, ``payload_bytes``: the full size)."""
    if len(letter.reason) > MAX_REASON_CHARS:
        letter = replace(letter, reason=letter.reason[:MAX_REASON_CHARS] + "…")
    payload, keep = letter.payload, len(letter.payload)
    while True:
        data = replace(letter, payload=payload[:keep]).to_dict()
        data["payload_base64"] = base64.b64encode(payload[:keep]).decode("ascii")
        if keep < len(payload):
            data["payload_truncated"] = True
            data["payload_bytes"] = len(payload)
        encoded = json_bytes(data)
        if len(encoded) <= max_bytes or keep == 0:
            return encoded
        keep = int(keep * max_bytes / len(encoded) * 0.9)


def json_bytes(data: dict[str, Any]) -> bytes:
    """UTF-8 JSON; a string that is not valid Unicode (a lone surrogate in an error message) is escaped."""
    try:
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data).encode("ascii")


def kafka_position(topic: str, partition: int, offset: int) -> SourcePosition:
    return SourcePosition(source=f"kafka:{topic}", topic=topic, partition=partition, offset=offset)
