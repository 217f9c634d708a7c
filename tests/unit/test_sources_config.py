from pathlib import Path

import pytest

from marsad.sources.config import DirectorySourceSpec, FeedSourceSpec, JsonlSourceSpec, load_sources_config
from marsad.sources.files import read_inputs
from marsad.workers.config import ConfigError

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]


def test_shipped_config_points_at_the_samples(tmp_path: Path) -> None:
    config = load_sources_config(REPO / "config" / "sources.yaml")

    [samples] = config.sources
    assert isinstance(samples, DirectorySourceSpec)
    assert samples.path == REPO / "samples"
    titles = [record.payload for record in read_inputs([samples.path])]
    assert len(titles) >= 6


def test_all_source_kinds_with_relative_paths_resolved_against_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(
        """
sources:
  - {name: wire, type: jsonl, path: spool/wire.jsonl, interval_s: 5}
  - {name: inbox, type: directory, path: /srv/inbox}
  - {name: coast, type: feed, url: "https://news.invalid/rss", timeout_s: 7, fulltext: true}
backoff: {initial_s: 2, max_s: 60}
""",
        encoding="utf-8",
    )

    config = load_sources_config(path)

    wire, inbox, coast = config.sources
    assert isinstance(wire, JsonlSourceSpec) and wire.path == tmp_path / "spool" / "wire.jsonl"
    assert wire.interval_s == 5
    assert isinstance(inbox, DirectorySourceSpec) and inbox.path == Path("/srv/inbox")
    assert isinstance(coast, FeedSourceSpec) and coast.fulltext and coast.timeout_s == 7
    assert config.backoff.max_s == 60


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("sources: [{name: x, type: ftp, url: 'ftp://a'}]", "does not match any of the expected tags"),
        ("sources: [{name: x, type: feed, url: 'file:///tmp/a.rss'}]", "must start with http"),
        ("sources: [{name: x, type: jsonl, path: a.jsonl, fulltext: true}]", "Extra inputs are not permitted"),
        ("sources: [{name: x, type: jsonl, path: a}, {name: x, type: directory, path: b}]", "must be unique"),
        ("sources: [{name: 'two words', type: jsonl, path: a}]", "should match pattern"),
        ("sources: [{name: x, type: jsonl, path: a, interval_s: 0}]", "greater than 0"),
        ("backoff: {initial_s: 60, max_s: 10}", "at least initial_s"),
    ],
)
def test_invalid_configs_are_refused_with_a_reason(tmp_path: Path, yaml_text: str, message: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(yaml_text, encoding="utf-8")

    with pytest.raises(ConfigError, match=message):
        load_sources_config(path)
