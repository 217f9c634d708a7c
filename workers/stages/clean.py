"""Boilerplate removal: publisher lines that are not part of the article, with the original spelling kept."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from marsad.workers.config import load_yaml
from marsad.workers.stages.normalize import NormalizedText

# Longer lines are never boilerplate (the shipped patterns bound what follows their fixed words).
MAX_BOILERPLATE_LINE = 300


def _single_spaced(line: str) -> str:
    """``line`` (stripped) with every run of whitespace made one space. Most lines already are: a printable
    string holds no whitespace but the ASCII space, so splitting it into words is only needed otherwise."""
    return line if "  " not in line and line.isprintable() else " ".join(line.split())


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
        return cls(load_yaml(path, BoilerplateConfig).line_patterns)

    def __call__(self, body: NormalizedText) -> NormalizedText:
        """The body without boilerplate lines; the same object when there was nothing to remove."""
        if self._line is None:
            return body
        dropped: list[tuple[int, int]] = []  # normalized [start, end) of each boilerplate line
        position = 0
        for line in body.normalized.split("\n"):
            stripped = line.strip()
            # Boilerplate lines are short; an article paragraph is not worth a regex match.
            if stripped and len(stripped) <= MAX_BOILERPLATE_LINE and self._line.fullmatch(_single_spaced(stripped)):
                dropped.append((position, position + len(line)))
            position += len(line) + 1
        if not dropped:
            return body
        kept: list[str] = []
        start = 0
        for line_start, line_end in dropped:
            kept.append(body.original[body.offsets.original(start) : body.offsets.original(line_start)])
            start = line_end
        kept.append(body.original[body.offsets.original(start) :] if start < len(body.normalized) else "")
        # Blank lines left where lines were removed collapse to one.
        text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", "".join(kept)).strip()
        return NormalizedText.of(text)
