"""The command line as a newcomer uses it (docs/interfaces.md §5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.cli import main

pytestmark = pytest.mark.unit


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def store(tmp_path: Path, seeds_dir: Path, capsys: pytest.CaptureFixture[str]) -> str:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"body": 1}\n')
    code, out, _ = run(capsys, "ingest", "--store", str(tmp_path / "s"), "--json", str(seeds_dir), str(bad))
    assert code == 0
    assert json.loads(out.splitlines()[-1]) == {"read": 6, "indexed": 5, "duplicates": 0, "rejected": 1, "alerts": 4}
    return str(tmp_path / "s")


def test_listings_print_json(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "alerts", "--store", store, "--json")
    alerts = json.loads(out)
    assert code == 0 and len(alerts) == 4
    assert set(alerts[0]) == {"rule", "doc_id", "story_id", "matched", "fired_at"}

    code, out, _ = run(capsys, "rejects", "--store", store, "--json")
    (reject,) = [json.loads(line) for line in out.splitlines()]
    assert reject["reason"] == "wrong type: body must be a string, got int" and reject["payload"] == '{"body": 1}'

    code, out, _ = run(capsys, "export", "--store", store)
    documents = [json.loads(line) for line in out.splitlines()]
    assert [d["id"][:3] for d in documents] == ["000", "001", "002", "003", "004"]
    assert set(documents[0]) == {
        "id",
        "source",
        "url",
        "title",
        "published_at",
        "ingested_at",
        "body",
        "content_hash",
        "duplicate_of",
        "story_id",
        "entities",
        "alerts",
    }

    code, out, _ = run(capsys, "search", "--store", store, "--json", "--limit", "1", "حُمَيْمِيم")
    (hit,) = json.loads(out)
    assert hit["id"][:3] in {"001", "003"} and "<mark>" in hit["snippet"]


def test_human_readable_search(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "--store", store, "طرطوس")
    assert code == 0 and out.startswith("1. ") and "«" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ingest", "does-not-exist.jsonl"], "does-not-exist.jsonl"),
        (["ingest", "pyproject.toml"], "pyproject.toml"),
        (["ingest", "--rules", "missing.yaml", "README.md"], "rules file not found"),
        (["search", "--limit", "0", "طرطوس"], "--limit"),
        (["search", "   "], "empty"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_unusable_arguments_exit_non_zero_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, *argv[:1], *(["--store", str(tmp_path)] if argv[0] != "frobnicate" else []), *argv[1:])
    assert code == 2
    assert message in err
