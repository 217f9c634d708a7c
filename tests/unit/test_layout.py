"""Dependencies run one way: topics ← workers ← runners; the pure stages import no transport."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import marsad

pytestmark = pytest.mark.unit

PACKAGE = Path(marsad.__file__).parent

# Lower number = lower layer; a module may import its own layer or one below.
LAYERS = {"marsad.topics": 0, "marsad.workers": 1}
RUNNERS = 2
# Modules that must stay free of I/O: no Kafka, Elasticsearch, HTTP, files of the store.
PURE = ("marsad.workers.stages", "marsad.workers.pipeline")
TRANSPORTS = ("marsad.workers.kafka", "marsad.workers.elastic", "faust", "aiokafka", "kafka", "elasticsearch")


def layer(module: str) -> int:
    for prefix, number in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            return number
    return RUNNERS


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def modules() -> list[tuple[str, Path]]:
    # os.walk, not rglob: in a checkout marsad/workers and marsad/topics are links to the top-level folders.
    paths = [
        Path(folder) / file
        for folder, _, files in os.walk(PACKAGE, followlinks=True)
        for file in files
        if file.endswith(".py")
    ]
    found = sorted((module_name(path), path) for path in paths)
    assert any(name.startswith("marsad.workers.") for name, _ in found), "marsad.workers not reached"
    return found


def test_no_module_imports_a_higher_layer() -> None:
    upward = [
        f"{name} imports {target}"
        for name, path in modules()
        for target in imports(path)
        if target.startswith("marsad") and layer(target) > layer(name)
    ]
    assert upward == []


def test_no_generic_top_level_package_is_imported() -> None:
    generic = [
        f"{name} imports {target}"
        for name, path in modules()
        for target in imports(path)
        if target.split(".")[0] in {"workers", "topics"}
    ]
    assert generic == []


def test_stages_and_pipeline_import_no_transport() -> None:
    impure = [
        f"{name} imports {target}"
        for name, path in modules()
        if name.startswith(PURE)
        for target in imports(path)
        if target.startswith(TRANSPORTS)
    ]
    assert impure == []
