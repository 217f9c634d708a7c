"""Helpers shared by the source tests (unit and integration): a settable clock and a deliver callback."""

from __future__ import annotations

import json
from typing import Any

from marsad.topics.records import RawInput


class FakeClock:
    def __init__(self, now: float = 1_750_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Collector:
    """A deliver callback that keeps what it got, or fails while ``failing`` is set."""

    def __init__(self) -> None:
        self.records: list[RawInput] = []
        self.failing = False

    def __call__(self, records: list[RawInput]) -> None:
        if self.failing:
            raise ConnectionError("sink unavailable")
        self.records.extend(records)

    def payloads(self) -> list[dict[str, Any]]:
        return [json.loads(record.payload) for record in self.records]

    def titles(self) -> list[str]:
        return [payload["title"] for payload in self.payloads()]

    def urls(self) -> list[str]:
        return [payload["url"] for payload in self.payloads()]
