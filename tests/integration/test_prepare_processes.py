"""The prepare processes (``workers/kafka/prepare.py``) of a worker that is SIGKILLed: none outlives it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration

# A worker's process as far as its pool goes: a Preparer with one process, its pids printed, then waiting.
HOLD_A_POOL = """
import os, sys, time
from marsad.workers.alerting import RulesWatcher
from marsad.workers.kafka.prepare import Preparer
from marsad.workers.settings import Settings
settings = Settings(prepare_processes=1)
preparer = Preparer(settings, RulesWatcher(settings.rules))
print(" ".join(open(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read().split()), flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_the_prepare_process_exits_when_its_worker_is_killed(services: Any, unique_name: Any) -> None:
    env = {
        **os.environ,
        "MARSAD_ELASTICSEARCH_URL": services.elasticsearch_url,
        "MARSAD_INDEX_PREFIX": unique_name("pool") + "-",
    }
    worker = subprocess.Popen([sys.executable, "-c", HOLD_A_POOL], stdout=subprocess.PIPE, env=env, text=True)
    children: list[int] = []
    try:
        assert worker.stdout is not None
        children.extend(int(pid) for pid in worker.stdout.readline().split())
        assert children and all(_alive(pid) for pid in children)  # the prepare process (and resource tracker)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(pid) for pid in children)
    finally:
        worker.kill()
        for pid in filter(_alive, children):  # not left behind when the test fails
            os.kill(pid, signal.SIGKILL)
