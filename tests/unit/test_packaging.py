"""The installed distribution is one ``marsad`` package: no generic top-level names, config as package data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]


def test_the_wheel_holds_only_the_marsad_package_with_its_config(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("marsad-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.startswith("marsad-")}
    assert top_level == {"marsad"}
    assert "marsad/workers/pipeline.py" in names
    assert "marsad/topics/records.py" in names
    assert "marsad/config/alerts.yaml" in names
    assert "marsad/config/elasticsearch/news-template.json" in names
