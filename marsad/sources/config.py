"""The schema of ``config/sources.yaml``: which sources ``marsad run`` follows, and how politely."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from marsad.sources.files import URL_SCHEMES
from marsad.workers.config import load_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _SourceSpec(_Strict):
    # Used as the cursor key and the metrics label, so it must stay stable across restarts.
    name: str = Field(min_length=1, pattern=r"^[\w.-]+$")
    interval_s: float = Field(default=300.0, gt=0)
    timeout_s: float = Field(default=20.0, gt=0)


class FeedSourceSpec(_SourceSpec):
    """An RSS/Atom feed URL, fetched with conditional GET; ``fulltext`` fetches each new article's page."""

    type: Literal["feed"]
    url: str
    fulltext: bool = False

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        if not url.startswith(URL_SCHEMES):
            raise ValueError("a feed url must start with http:// or https://")
        return url


class _PathSourceSpec(_SourceSpec):
    path: Path

    @field_validator("path")
    @classmethod
    def _relative_to_config(cls, path: Path, info: ValidationInfo) -> Path:
        base_dir = (info.context or {}).get("base_dir")
        return path if path.is_absolute() or base_dir is None else Path(os.path.normpath(Path(base_dir) / path))


class DirectorySourceSpec(_PathSourceSpec):
    """Every supported file in the directory tree; files that appear (or change) later are picked up."""

    type: Literal["directory"]


class JsonlSourceSpec(_PathSourceSpec):
    """A JSONL file followed like ``tail -F``: appended lines are read, rotation and truncation detected."""

    type: Literal["jsonl"]


SourceSpec = Annotated[FeedSourceSpec | DirectorySourceSpec | JsonlSourceSpec, Field(discriminator="type")]


class FullTextSettings(_Strict):
    min_interval_per_domain_s: float = Field(default=2.0, ge=0)
    max_bytes: int = Field(default=2_000_000, gt=0)


class SeenItemsSettings(_Strict):
    max_per_source: int = Field(default=5_000, gt=0)
    max_age_days: float = Field(default=30.0, gt=0)


class BackoffSettings(_Strict):
    initial_s: float = Field(default=10.0, gt=0)
    max_s: float = Field(default=900.0, gt=0)

    @model_validator(mode="after")
    def _cap_not_below_start(self) -> BackoffSettings:
        if self.max_s < self.initial_s:
            raise ValueError("backoff max_s must be at least initial_s")
        return self


class SourcesConfig(_Strict):
    sources: list[SourceSpec] = Field(default_factory=list)
    fulltext: FullTextSettings = FullTextSettings()
    seen_items: SeenItemsSettings = SeenItemsSettings()
    backoff: BackoffSettings = BackoffSettings()

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, sources: list[SourceSpec]) -> list[SourceSpec]:
        names = [source.name for source in sources]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"source names must be unique: {', '.join(duplicates)}")
        return sources


def load_sources_config(path: Path) -> SourcesConfig:
    """Read and validate the YAML file; relative source paths are taken relative to the file's directory."""
    return load_yaml(path, SourcesConfig, context={"base_dir": path.resolve().parent})
