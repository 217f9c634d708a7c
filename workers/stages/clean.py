"""Boilerplate removal: publisher lines that are not part of the article, with the original spelling kept."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, field_validator

from workers.stages.normalize import normalize


class BoilerplateConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = 1
    line_patterns: tuple[str, ...]

    @field_validator("line_patterns")
    @classmethod
    def _compiles(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"invalid boilerplate pattern {pattern!r}: {error}") from None
        return patterns


class BoilerplateRemover:
    """Drops whole lines whose normalized text matches a configured pattern; tidies blank lines."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self._line = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None

    @classmethod
    def from_file(cls, path: Path) -> BoilerplateRemover:
        config = BoilerplateConfig.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        return cls(config.line_patterns)

    def __call__(self, body: str) -> str:
        kept: list[str] = []
        for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            stripped = line.strip()
            if self._line is not None and stripped and self._line.fullmatch(normalize(stripped)):
                continue
            if stripped or (kept and kept[-1]):
                kept.append(stripped)
        return "\n".join(kept).strip()
