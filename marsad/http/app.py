"""The ASGI application: the search page, the JSON API with its OpenAPI description, live alerts, the push endpoint.

FastAPI, served by uvicorn: the API's OpenAPI description (``/openapi.json``, ``/docs``) comes from the same
typed routes and models that serve it, which is what schemathesis checks. Routes that touch a backend are plain
functions, run in the server's thread pool (the embedded store is SQLite behind a lock); the page is rendered on
the server with Jinja2, which escapes everything but the snippets (built from escaped text plus ``<mark>``).
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Protocol
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, SecretStr
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from marsad.http.events import AlertHub
from marsad.workers.config import ConfigError
from marsad.workers.search import (
    MAX_PAGE_SIZE,
    AlertPage,
    InvalidCursorError,
    SearchBackend,
    SearchFilters,
    SearchPage,
    Story,
)
from marsad.workers.settings import Settings
from marsad.workers.stages.alerts import load_rules

HERE = Path(__file__).parent
MAX_PAGE = 1_000
MAX_ALERTS = 1_000
RECENT_ALERTS = 20  # what the live panel shows when it opens
ALERT_POLL_SECONDS = 1.0  # a stream re-reads the backend at least this often (Elasticsearch has no wake-up)


@dataclass(frozen=True, slots=True)
class PushResult:
    read: int
    accepted: int
    rejected: int


class Pusher(Protocol):
    def __call__(self, body: bytes, source: str) -> PushResult: ...


class PushResponse(BaseModel):
    read: int
    accepted: int
    rejected: int


class RulesView(BaseModel):
    rules: list[dict[str, Any]]
    error: str | None = None


class Health(BaseModel):
    status: str
    backend: str
    documents: int


class Problem(BaseModel):
    detail: str


def _rules(path: Path) -> RulesView:
    try:
        return RulesView(rules=[rule.model_dump(mode="json") for rule in load_rules(path)])
    except ConfigError as error:
        return RulesView(rules=[], error=str(error))


def _format_time(value: str | None) -> str:
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


def _is_http_url(value: str | None) -> bool:
    """Only web links become links: a ``javascript:`` URL in an article must not run."""
    return bool(value) and urlsplit(value or "").scheme in ("http", "https")


BEARER = HTTPBearer(auto_error=False, description="MARSAD_API_TOKEN, required for writes when set")


def _bearer_guard(token: SecretStr) -> Callable[[HTTPAuthorizationCredentials | None], None]:
    expected = token.get_secret_value().encode()

    def guard(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> None:
        if credentials is None or not hmac.compare_digest(credentials.credentials.encode(), expected):
            raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})

    return guard


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes ``limit`` bytes, declared or chunked."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"body over {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"body over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def search_filters(
    date_from: Annotated[date | None, Query(alias="from", description="published on or after (UTC day)")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="published on or before (UTC day)")] = None,
    source: Annotated[list[str], Query(description="any of these sources")] = [],  # noqa: B006
    entity: Annotated[list[str], Query(description="any of these entities (canonical names)")] = [],  # noqa: B006
) -> SearchFilters:
    return SearchFilters(date_from=date_from, date_to=date_to, sources=tuple(source), entities=tuple(entity))


Filters = Annotated[SearchFilters, Depends(search_filters)]
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="stories per page")]


def create_app(
    backend: SearchBackend,
    settings: Settings,
    *,
    hub: AlertHub,
    push: Pusher | None = None,
    sources: Callable[[], dict[str, Any]] | None = None,
) -> FastAPI:
    """The application over ``backend``; the push endpoint and source health only where given (``marsad run``)."""
    app = FastAPI(
        title="marsad",
        summary="Arabic news: search grouped by story, stories, documents, fired alerts, rules.",
        version="1",
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["when"] = _format_time
    templates.env.filters["http_url"] = _is_http_url
    missing: dict[int | str, dict[str, Any]] = {404: {"model": Problem}}
    bad_request: dict[int | str, dict[str, Any]] = {400: {"model": Problem}}


    @app.get("/api/search", tags=["search"])
    def api_search(filters: Filters, q: str = "", page: PageNumber = 1, size: PageSize = 10) -> SearchPage:
        """Stories whose documents match the query and filters, best first; a blank query lists the latest."""
        return backend.search(q, filters, page, size)

    @app.get("/api/stories/{story_id}", tags=["search"], responses=missing)
    def api_story(story_id: str) -> Story:
        """Every document of a story, the original first."""
        story = backend.story(story_id)
        if story is None:
            raise HTTPException(404, "no such story")
        return story

    @app.get("/api/documents/{doc_id}", tags=["search"], responses=missing)
    def api_document(doc_id: str) -> dict[str, Any]:
        """The enriched document (CONTRACTS.md §2)."""
        document = backend.document(doc_id)
        if document is None:
            raise HTTPException(404, "no such document")
        return document

    @app.get("/api/alerts", tags=["alerts"], responses=bad_request)
    def api_alerts(
        since: Annotated[str | None, Query(description="the `next` of a previous answer")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_ALERTS)] = 100,
    ) -> AlertPage:
        """Fired alerts after the cursor, oldest first."""
        try:
            return backend.alerts(since, limit)
        except InvalidCursorError as error:
            raise HTTPException(400, str(error)) from error

    @app.get(
        "/api/alerts/stream",
        tags=["alerts"],
        response_class=EventSourceResponse,
        responses={
            200: {"content": {"text/event-stream": {}}, "description": "`alert` events, data as /api/alerts items"},
            **bad_request,
        },
    )
    async def api_alert_stream(request: Request) -> EventSourceResponse:
        """Server-sent events: the last alerts, then each alert as it fires. Resumes after `Last-Event-ID`."""
        cursor = request.headers.get("last-event-id")
        try:
            if cursor is None:
                first = await run_in_threadpool(backend.latest_alerts, RECENT_ALERTS)
            else:
                first = await run_in_threadpool(backend.alerts, cursor, MAX_ALERTS)
        except InvalidCursorError as error:
            raise HTTPException(400, str(error)) from error

        async def events() -> AsyncIterator[ServerSentEvent]:
            page = first
            while True:
                for number, alert in enumerate(page.alerts, start=1):
                    last = number == len(page.alerts)
                    yield ServerSentEvent(alert.model_dump_json(), event="alert", id=page.next if last else None)
                if not page.alerts:
                    await hub.wait(ALERT_POLL_SECONDS)
                page = await run_in_threadpool(backend.alerts, page.next, MAX_ALERTS)

        return EventSourceResponse(events(), ping=15)

    @app.get("/api/rules", tags=["alerts"])
    def api_rules() -> RulesView:
        """The alert rules in force (read-only)."""
        return _rules(settings.rules)

    @app.get("/api/health", tags=["service"])
    def api_health() -> Health:
        return Health(status="ok", backend=backend.name, documents=backend.document_count())

    if sources is not None:
        source_health = sources

        @app.get("/api/sources", tags=["service"])
        def api_sources() -> dict[str, Any]:
            """Each configured source: items delivered, last poll, errors."""
            return source_health()

    if push is not None:
        pusher = push

        @app.post(
            "/api/articles",
            tags=["ingest"],
            status_code=202,
            # The OpenAPI description names the bearer scheme only where a token is required.
            dependencies=[Depends(_bearer_guard(settings.api_token))] if settings.api_token else [],
            responses={401: {"model": Problem}, 413: {"model": Problem}},
            openapi_extra={
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"type": ["object", "array"]}},
                        "application/x-ndjson": {"schema": {"type": "string"}},
                    },
                }
            },
        )
        async def api_push(request: Request) -> PushResponse:
            """Raw articles (CONTRACTS.md §1): one JSON object, a list of them, or JSON Lines. Each record is
            judged alone: the rejected ones go to the store's rejects, the others are indexed."""
            body = await _read_body(request, settings.max_push_bytes)
            client = request.client.host if request.client else "unknown"
            result = await run_in_threadpool(pusher, body, f"push:{client}")
            return PushResponse(read=result.read, accepted=result.accepted, rejected=result.rejected)

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, filters: Filters, q: str = "", page: PageNumber = 1) -> HTMLResponse:
        results = backend.search(q, filters, page, 10)
        params: dict[str, Any] = {
            "q": q,
            "from": filters.date_from.isoformat() if filters.date_from else "",
            "to": filters.date_to.isoformat() if filters.date_to else "",
            "source": list(filters.sources),
            "entity": list(filters.entities),
        }

        def href(**changes: Any) -> str:
            merged = {**params, "page": 1, **changes}
            return "/?" + urlencode({k: v for k, v in merged.items() if v not in ("", [], None, 1)}, doseq=True)

        def toggle(key: str, value: str) -> str:
            values = params[key]
            return href(**{key: [v for v in values if v != value] if value in values else [*values, value]})

        return templates.TemplateResponse(
            request,
            "index.html",
            {
                "results": results,
                "filters": filters,
                "params": params,
                "href": href,
                "toggle": toggle,
                "pages": -(-results.total_stories // results.size),
                "rules": _rules(settings.rules),
                "backend": backend.name,
            },
        )

    @app.get("/story/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str) -> HTMLResponse:
        story = backend.story(story_id)
        if story is None:
            raise HTTPException(404, "no such story")
        return templates.TemplateResponse(
            request, "story.html", {"story": story, "rules": _rules(settings.rules), "backend": backend.name}
        )

    return app
