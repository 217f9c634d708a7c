"""The one way marsad reads a configuration file: YAML, validated by a pydantic model."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)
# libyaml's safe loader (PyYAML's documented fast path: the gazetteer parses ~8× faster, the same data); the
# pure-Python one where PyYAML was built without libyaml.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ConfigError(ValueError):
    """A configuration file that cannot be read, is not YAML, or does not fit its schema; says which file."""


def load_yaml(path: Path, model: type[Model], context: dict[str, Any] | None = None) -> Model:
    """``context`` reaches the model's validators (e.g. the directory relative paths are taken from)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        return model.model_validate({} if data is None else data, context=context)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as error:
        raise ConfigError(f"{path}: {error}") from error
