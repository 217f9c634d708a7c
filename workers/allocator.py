"""glibc's allocator, told to give freed memory back to the system (``mallopt(3)``), for long-running workers.

A worker's batches allocate and free tens of MB at a time (prepared articles, bulk request bodies, Kafka
fetches). By default glibc raises its mmap and trim thresholds after such blocks are freed, so later ones
come from the heap and stay resident, and each thread gets a heap (arena) of its own: measured on the
benchmark, the worker kept ~70 MB it no longer used. Fixing the trim threshold (which also fixes the mmap
threshold at its 128 KB default) and capping the arenas at two keeps the resident size near what is live.
ctypes rather than a library: no maintained package wraps ``mallopt``; it is two calls.
"""

from __future__ import annotations

import ctypes
import sys

_M_TRIM_THRESHOLD = -1
_M_ARENA_MAX = -8
TRIM_THRESHOLD_BYTES = 128 * 1024
ARENA_MAX = 2


def return_freed_memory() -> bool:
    """Applies the settings to this process (call it before starting threads); False where the C library has
    no ``mallopt`` (not Linux, or musl), which changes nothing else."""
    if not sys.platform.startswith("linux"):
        return False
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)) and bool(mallopt(_M_ARENA_MAX, ARENA_MAX))
