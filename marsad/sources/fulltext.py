"""Full text for summary-only feeds: fetch the article page, extract its main text with trafilatura."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import trafilatura
from w3lib.encoding import html_to_unicode

from marsad.sources.fetching import HttpFetcher


class FullTextFetcher:
    """Polite page fetching: at most one request per ``min_interval_per_domain_s`` to each host."""

    def __init__(
        self,
        fetcher: HttpFetcher,
        *,
        min_interval_per_domain_s: float = 2.0,
        max_bytes: int = 2_000_000,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._fetcher = fetcher
        self._min_interval_s = min_interval_per_domain_s
        self._max_bytes = max_bytes
        self._clock = clock
        self._sleep = sleep
        self._next_allowed: dict[str, float] = {}
        self._lock = threading.Lock()

    def article_text(self, url: str, *, timeout_s: float) -> str | None:
        """The page's main text, or None when no article text could be extracted. Raises FetchError."""
        self._wait_turn(urlsplit(url).hostname or "")
        result = self._fetcher.get(
            url, timeout_s=timeout_s, accept="text/html,application/xhtml+xml", max_bytes=self._max_bytes
        )
        # w3lib decides the encoding as browsers do: HTTP charset, then BOM, then <meta>, then a guess;
        # trafilatura's own decoding skips <meta> and may mistake windows-1256 for another code page.
        _, html = html_to_unicode(result.content_type, result.content)
        text: str | None = trafilatura.extract(html, url=url, include_comments=False, include_tables=False)
        return text.strip() if text else None

    def _wait_turn(self, host: str) -> None:
        with self._lock:
            now = self._clock()
            start = max(now, self._next_allowed.get(host, now))
            self._next_allowed[host] = start + self._min_interval_s
        if start > now:
            self._sleep(start - now)
