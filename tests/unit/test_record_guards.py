"""Every record stands alone: an exception on one record dead-letters that record, the batch goes on, and
what goes to the dead-letter topic never exceeds the topic's message size. Plus a fuzz test of the stateless
half: random bytes and random JSON through validate and prepare, no exception escapes."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marsad.topics.records import DeadLetter, Entity, RawInput, SourcePosition
from marsad.workers.build import build_enricher
from marsad.workers.kafka.wire import encode_dead_letter, encode_prepared
from marsad.workers.pipeline import Enricher, Prepared
from marsad.workers.settings import Settings
from marsad.workers.stages.normalize import NormalizedText
from marsad.workers.stages.validate import validate

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@cache
def enricher() -> Enricher:
    return build_enricher(Settings())


def raw(payload: bytes, offset: int) -> RawInput:
    return RawInput(payload, SourcePosition("kafka:raw", topic="raw", partition=0, offset=offset))


def article(doc_id: str, body: str) -> bytes:
    return json.dumps({"id": doc_id, "title": "عنوان", "body": body}, ensure_ascii=False).encode("utf-8")


def test_a_stage_failing_on_one_record_dead_letters_it_and_keeps_the_others() -> None:
    real = enricher()

    def tag(body: NormalizedText, title: NormalizedText) -> list[Entity]:
        if "انفجار" in body.original:
            raise RecursionError("maximum recursion depth exceeded")
        return []

    guarded = Enricher(real._clean, tag, real.rules, real._fingerprint, 10_000_000)
    outcomes = guarded.prepare(
        [raw(article("a", "خبر أول"), 1), raw(article("b", "خبر عن انفجار"), 2), raw(article("c", "خبر ثالث"), 3)], NOW
    )
    assert [type(o).__name__ for o in outcomes] == ["Prepared", "DeadLetter", "Prepared"]
    letter = outcomes[1]
    assert isinstance(letter, DeadLetter)
    assert (letter.stage, letter.position.offset) == ("enrich", 2)
    assert letter.reason == "unexpected RecursionError: maximum recursion depth exceeded"


def test_a_failing_batch_fingerprint_is_retried_per_record() -> None:
    real = enricher()
    calls: list[int] = []

    def fingerprint(texts: list[str]) -> list:  # type: ignore[type-arg]
        calls.append(len(texts))
        if any("سم" in text for text in texts):
            raise MemoryError("shingles")
        return real._fingerprint(texts)

    guarded = Enricher(real._clean, real._tag, real.rules, fingerprint, 10_000_000)  # type: ignore[arg-type]
    outcomes = guarded.prepare([raw(article("a", "خبر أول"), 1), raw(article("b", "سم"), 2)], NOW)
    assert calls == [2, 1, 1]
    assert isinstance(outcomes[0], Prepared)
    assert isinstance(outcomes[1], DeadLetter) and outcomes[1].stage == "fingerprint"


@pytest.mark.parametrize("size", [10, 300_000, 3_000_000])
def test_dead_letters_fit_the_topic_and_say_when_the_payload_was_cut(size: int) -> None:
    payload = ("نص " * size).encode("utf-8")[:size] + b"\xff"
    letter = DeadLetter("validate", "oversized " + "x" * 10_000, payload, SourcePosition("kafka:raw", "raw", 0, 9))
    encoded = encode_dead_letter(letter, 100_000)
    assert len(encoded) <= 100_000
    data = json.loads(encoded)
    kept = base64.b64decode(data["payload_base64"])
    assert payload.startswith(kept)
    assert data["offset"] == 9 and data["reason"].startswith("oversized x")
    if len(kept) < len(payload):
        assert data["payload_truncated"] is True and data["payload_bytes"] == len(payload)
        assert len(kept) > 10_000  # cut to fit, not emptied
    else:
        assert "payload_truncated" not in data


def test_a_dead_letter_with_a_lone_surrogate_in_its_reason_is_still_valid_json() -> None:
    letter = DeadLetter("enrich", "unexpected UnicodeEncodeError: '\ud800'", b"{}", SourcePosition("x"))
    assert json.loads(encode_dead_letter(letter, 10_000))["reason"] == letter.reason


# Arabic, anything printable, and lone surrogates (valid in JSON as \\u escapes, not in UTF-8).
texts = st.text(
    alphabet=st.characters(min_codepoint=0x600, max_codepoint=0x6FF)
    | st.characters()
    | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, categories=["Cs"]),
    max_size=60,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
fields = st.fixed_dictionaries(
    {},
    optional={
        name: json_values | texts
        for name in ("id", "body", "title", "url", "source", "published_at", "language")
    },
)


def through_prepare(payloads: list[bytes]) -> None:
    outcomes = enricher().prepare([raw(payload, n) for n, payload in enumerate(payloads)], NOW)
    assert len(outcomes) == len(payloads)
    for outcome in outcomes:
        if isinstance(outcome, Prepared):
            encode_prepared(outcome)  # what goes on the prepared topic encodes too
        else:
            encode_dead_letter(outcome, 1_000_000)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=300), min_size=1, max_size=5))
def test_random_bytes_never_escape_validate_or_prepare(payloads: list[bytes]) -> None:
    for payload in payloads:
        validate(raw(payload, 0), 10_000)
    through_prepare(payloads)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(fields, min_size=1, max_size=5))
def test_random_json_never_escapes_validate_or_prepare(records: list[dict[str, object]]) -> None:
    payloads = [json.dumps(record).encode("utf-8") for record in records]  # ensure_ascii keeps surrogates as \u escapes
    through_prepare(payloads)
