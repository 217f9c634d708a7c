"""HTTP GET for feeds and article pages, with our own timeout, headers, size limit and conditional requests.

feedparser and trafilatura can fetch URLs themselves, but then we would not control the timeout, the
validators or how much of a response is read; so we fetch the bytes here and hand them over.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import TracebackType

import httpx

USER_AGENT = "marsad/0.1 (Arabic news ingestion)"
DEFAULT_MAX_BYTES = 10_000_000


class FetchError(Exception):
    """A fetch that produced no usable response: network error, timeout, HTTP error status or oversize."""


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server told us to send back on the next conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str
    status: int
    content: bytes
    content_type: str | None
    validators: Validators

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HttpFetcher:
    """One pooled HTTP client shared by all sources; every call states its own timeout."""

    def __init__(
        self,
        *,
        user_agent: str = USER_AGENT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._max_bytes = max_bytes
        self._client = httpx.Client(follow_redirects=True, headers={"User-Agent": user_agent}, transport=transport)

    def get(
        self,
        url: str,
        *,
        timeout_s: float,
        validators: Validators | None = None,
        accept: str | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url``; the whole exchange (connect, headers, body) must finish within ``timeout_s``."""
        limit = max_bytes or self._max_bytes
        headers = _request_headers(validators, accept)
        deadline = time.monotonic() + timeout_s
        try:
            with self._client.stream("GET", url, headers=headers, timeout=timeout_s) as response:
                if response.status_code == 304:
                    return FetchResult(
                        url=str(response.url),
                        status=304,
                        content=b"",
                        content_type=None,
                        validators=_response_validators(response) or validators or Validators(),
                    )
                if response.status_code >= 400:
                    raise FetchError(f"HTTP {response.status_code} {response.reason_phrase} from {url}")
                content = _read_body(response, url, limit, deadline, timeout_s)
                return FetchResult(
                    url=str(response.url),
                    status=response.status_code,
                    content=content,
                    content_type=response.headers.get("content-type"),
                    validators=_response_validators(response) or Validators(),
                )
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out after {timeout_s:g} s: {url}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc} ({url})") from exc

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpFetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _request_headers(validators: Validators | None, accept: str | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if accept:
        headers["Accept"] = accept
    if validators and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _response_validators(response: httpx.Response) -> Validators | None:
    etag = response.headers.get("etag")
    last_modified = response.headers.get("last-modified")
    if etag is None and last_modified is None:
        return None
    return Validators(etag=etag, last_modified=last_modified)


def _read_body(response: httpx.Response, url: str, limit: int, deadline: float, timeout_s: float) -> bytes:
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise FetchError(f"response of {declared} bytes exceeds the {limit}-byte limit: {url}")
    chunks: list[bytes] = []
    size = 0
    # httpx's timeout applies per network operation; a server trickling bytes needs the overall deadline.
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise FetchError(f"response exceeds the {limit}-byte limit: {url}")
        if time.monotonic() > deadline:
            raise FetchError(f"timed out after {timeout_s:g} s: {url}")
        chunks.append(chunk)
    return b"".join(chunks)
