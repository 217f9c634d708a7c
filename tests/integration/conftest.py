"""Real Kafka and Elasticsearch for the integration tests, started by ``scripts/services up``.

The servers are left running after the session (``scripts/services down`` stops them), so the next
run starts in seconds; tests keep apart through unique topic, index and group names, and remove their
indices and templates when they end (``make_deployment``, ``elastic_support``), so that the node does not fill up.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from distributed_support import Deployment, own_deployment

SERVICES_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "services"
# the first run builds infra/ with Maven and downloads the servers
FIRST_START_TIMEOUT_S = 900


@dataclass(frozen=True, slots=True)
class Services:
    kafka_bootstrap: str
    elasticsearch_url: str


@pytest.fixture(scope="session")
def services() -> Services:
    result = subprocess.run([str(SERVICES_SCRIPT), "up"], capture_output=True, text=True, timeout=FIRST_START_TIMEOUT_S)
    if result.returncode != 0:
        pytest.fail(f"scripts/services up failed ({result.returncode}):\n{result.stderr[-6000:]}")
    addresses = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return Services(
        kafka_bootstrap=addresses["MARSAD_KAFKA_BOOTSTRAP"],
        elasticsearch_url=addresses["MARSAD_ELASTICSEARCH_URL"],
    )


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    """``unique_name("news")`` -> ``"news-1f3a9c0b"``: lower case, so valid for topics and indices."""

    def make(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:8]}"

    return make


@pytest.fixture
def make_deployment(services: Services) -> Iterator[Callable[[str], Deployment]]:
    """``make_deployment("diff")`` -> a deployment of its own name («diff-1f3a9c0b»); its indices and templates
    are removed after the test."""
    with ExitStack() as stack:
        yield lambda kind: stack.enter_context(
            own_deployment(services.kafka_bootstrap, services.elasticsearch_url, kind)
        )
