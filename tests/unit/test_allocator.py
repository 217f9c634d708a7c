"""The worker's allocator settings (``workers/allocator.py``): memory a batch freed goes back to the system."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

# Freed 1 MB blocks between small survivors, after a freed 4 MB block raised glibc's dynamic thresholds: the
# pattern of a worker's batches. Prints the resident MB before and after freeing them.
PROBE = """
import os, sys
from marsad.workers.allocator import return_freed_memory

def resident_mb():
    for line in open(f"/proc/{os.getpid()}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024

if sys.argv[1] == "tuned" and not return_freed_memory():
    sys.exit(3)
big = bytearray(4 << 20)
del big
blocks = []
for _ in range(100):
    blocks.append(bytearray(1 << 20))
    blocks.append(bytearray(1000))
before = resident_mb()
blocks = [block for block in blocks if len(block) == 1000]
print(before, resident_mb())
"""


def resident_before_and_after(mode: str) -> tuple[float, float]:
    run = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=False)
    if run.returncode == 3:
        pytest.skip("this C library has no mallopt")
    assert run.returncode == 0, run.stderr
    before, after = map(float, run.stdout.split())
    return before, after


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_freed_batch_memory_goes_back_to_the_system() -> None:
    before, after = resident_before_and_after("tuned")
    assert before > 100
    assert after < before - 80  # the 100 MB of freed blocks left the process


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_without_the_settings_glibc_keeps_it() -> None:
    """Why the module exists: the same pattern, untuned, stays resident."""
    before, after = resident_before_and_after("default")
    assert after > before - 20
