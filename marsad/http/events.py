"""In-process publish/subscribe for fired alerts: the pipeline's writer wakes the live alert streams.

A subscriber learns only that alerts were written and reads them from the backend after its cursor, so a
wake-up that comes while it is busy loses nothing.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import suppress


class AlertHub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    def publish(self) -> None:
        """Wake every waiting subscriber; safe from any thread."""
        with self._lock:
            waiters = list(self._waiters)
        for loop, event in waiters:
            with suppress(RuntimeError):  # the loop closed: its subscriber is gone
                loop.call_soon_threadsafe(event.set)

    async def wait(self, timeout: float) -> None:
        """Return at the next publish, or after ``timeout`` seconds."""
        waiter = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._waiters.add(waiter)
        try:
            with suppress(TimeoutError):
                await asyncio.wait_for(waiter[1].wait(), timeout)
        finally:
            with self._lock:
                self._waiters.discard(waiter)
