"""Feeds served by a real HTTP server on 127.0.0.1, polled through the real client, parser and cursor."""

import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sources_support import Collector, FakeClock

from marsad.sources.config import BackoffSettings, FeedSourceSpec
from marsad.sources.cursor import SourceCursor
from marsad.sources.fetching import FetchError, HttpFetcher
from marsad.sources.files import read_inputs
from marsad.sources.fulltext import FullTextFetcher
from marsad.sources.poller import SourcePoller

pytestmark = pytest.mark.integration

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
RSS_TYPE = "application/rss+xml; charset=utf-8"


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


Route = Callable[[dict[str, str]], Response]


def fixture(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def static(body: bytes, content_type: str = RSS_TYPE, etag: str | None = None) -> Route:
    """Serves ``body``; with an ``etag``, answers a matching If-None-Match with 304."""

    def route(request_headers: dict[str, str]) -> Response:
        if etag is not None and request_headers.get("if-none-match") == etag:
            return Response(status=304, headers={"ETag": etag})
        headers = {"Content-Type": content_type, **({"ETag": etag} if etag else {})}
        return Response(body=body, headers=headers)

    return route


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                headers = {key.lower(): value for key, value in self.headers.items()}
                server.requests.append((self.path, headers))
                route = server.routes.get(self.path)
                response = route(headers) if route else Response(status=404)
                time.sleep(response.delay_s)
                try:
                    self.send_response(response.status)
                    for key, value in response.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(response.body)))
                    self.end_headers()
                    self.wfile.write(response.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def requests_to(self, path: str) -> list[dict[str, str]]:
        return [headers for requested, headers in self.requests if requested == path]

    def __enter__(self) -> "FeedServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def fetcher() -> Iterator[HttpFetcher]:
    with HttpFetcher() as client:
        yield client


def feed(server: FeedServer, path: str, **options: object) -> FeedSourceSpec:
    return FeedSourceSpec.model_validate(
        {
            "name": path.strip("/").replace("/", "-"),
            "type": "feed",
            "url": server.url(path),
            "interval_s": 60,
            **options,
        }
    )


def make_poller(
    specs: list[FeedSourceSpec],
    db: Path,
    deliver: Collector,
    clock: FakeClock,
    fetcher: HttpFetcher,
    *,
    fulltext: FullTextFetcher | None = None,
    backoff: BackoffSettings | None = None,
) -> SourcePoller:
    return SourcePoller(
        specs,
        SourceCursor(db),
        deliver,
        fetcher=fetcher,
        fulltext=fulltext,
        backoff=backoff,
        clock=clock,
        rng=random.Random(1),
    )


def test_new_items_flow_exactly_once(server: FeedServer, fetcher: HttpFetcher, tmp_path: Path) -> None:
    server.routes["/wire.xml"] = static(fixture("rss_utf8.xml"))  # a server without validators
    clock, deliver = FakeClock(), Collector()
    poller = make_poller([feed(server, "/wire.xml")], tmp_path / "sources.db", deliver, clock, fetcher)

    [first] = poller.poll_once()
    clock.now += 60
    [second] = poller.poll_once()
    server.routes["/wire.xml"] = static(fixture("rss_utf8_updated.xml"))
    clock.now += 60
    [third] = poller.poll_once()

    assert [(o.status, o.items) for o in (first, second, third)] == [
        ("delivered", 3),
        ("unchanged", 0),
        ("delivered", 1),
    ]
    assert deliver.urls() == [f"http://news.invalid/a/{n}" for n in (1, 2, 3, 4)]
    assert deliver.payloads()[0] == {
        "title": "سفينة ركاب تصل إلى ميناء طرطوس",
        "body": "وصلت إلى ميناء طرطوس سفينة ركاب قادمة من قبرص.\n\nوهي الرحلة الأولى هذا العام.",
        "url": "http://news.invalid/a/1",
        "published_at": "2025-06-02T05:00:00+00:00",
        "source": "وكالة الاختبار",
    }
    assert {r.position.source for r in deliver.records} == {server.url("/wire.xml")}


def test_nothing_lost_or_repeated_across_a_restart(server: FeedServer, fetcher: HttpFetcher, tmp_path: Path) -> None:
    server.routes["/wire.xml"] = static(fixture("rss_utf8.xml"))
    clock, deliver = FakeClock(), Collector()
    spec = feed(server, "/wire.xml")
    make_poller([spec], tmp_path / "sources.db", deliver, clock, fetcher).poll_once()

    server.routes["/wire.xml"] = static(fixture("rss_utf8_updated.xml"))  # published while we were down
    restarted = make_poller([spec], tmp_path / "sources.db", deliver, clock, fetcher)
    [outcome] = restarted.poll_once()

    assert outcome.items == 1
    assert deliver.urls() == [f"http://news.invalid/a/{n}" for n in (1, 2, 3, 4)]


def test_304_sends_validators_and_causes_no_reprocessing(
    server: FeedServer, fetcher: HttpFetcher, tmp_path: Path
) -> None:
    server.routes["/wire.xml"] = static(fixture("rss_utf8.xml"), etag='"rev-1"')
    clock, deliver = FakeClock(), Collector()
    spec = feed(server, "/wire.xml")
    make_poller([spec], tmp_path / "sources.db", deliver, clock, fetcher).poll_once()

    restarted = make_poller([spec], tmp_path / "sources.db", deliver, clock, fetcher)  # validators are durable
    [outcome] = restarted.poll_once()

    assert outcome.status == "not_modified"
    assert len(deliver.records) == 3
    first_request, second_request = server.requests_to("/wire.xml")
    assert "if-none-match" not in first_request
    assert second_request["if-none-match"] == '"rev-1"'


def test_last_modified_is_sent_back_as_if_modified_since(
    server: FeedServer, fetcher: HttpFetcher, tmp_path: Path
) -> None:
    stamp = "Wed, 04 Jun 2025 09:00:00 GMT"

    def route(headers: dict[str, str]) -> Response:
        if headers.get("if-modified-since") == stamp:
            return Response(status=304)
        return Response(
            body=fixture("atom_utf8.atom"), headers={"Content-Type": "application/atom+xml", "Last-Modified": stamp}
        )

    server.routes["/blog.atom"] = route
    clock, deliver = FakeClock(), Collector()
    poller = make_poller([feed(server, "/blog.atom")], tmp_path / "sources.db", deliver, clock, fetcher)

    poller.poll_once()
    clock.now += 60
    [outcome] = poller.poll_once()

    assert outcome.status == "not_modified"
    assert [p["title"] for p in deliver.payloads()] == ["تعبيد طريق بانياس الجبلي", "مهرجان للتراث في تدمر"]
    assert deliver.payloads()[1]["body"] == (
        "انطلق في تدمر مهرجان للتراث الشعبي يشارك فيه حرفيون من عدة محافظات.\n\nويستمر المهرجان ثلاثة أيام."
    )


@pytest.mark.parametrize(
    ("fixture_name", "content_type"),
    [
        ("rss_windows1256.xml", "application/rss+xml"),  # declared in the XML prolog
        ("rss_windows1256_no_prolog.xml", "application/rss+xml; charset=windows-1256"),  # in the HTTP header
    ],
)
def test_windows_1256_feeds_are_decoded(
    server: FeedServer, fetcher: HttpFetcher, tmp_path: Path, fixture_name: str, content_type: str
) -> None:
    server.routes["/cp.xml"] = static(fixture(fixture_name), content_type=content_type)
    deliver = Collector()
    poller = make_poller([feed(server, "/cp.xml")], tmp_path / "sources.db", deliver, FakeClock(), fetcher)

    poller.poll_once()

    assert [p["title"] for p in deliver.payloads()] == [
        "الصيادون بطرطوس يعودون إلى البحر",
        "انخفاض أسعار الخضار في أسواق اللاذقية",
    ]
    assert deliver.payloads()[0]["source"] == "أخبار الساحل بالترميز العربي"


def test_malformed_xml_is_tolerated_when_recoverable_and_reported_when_not(
    server: FeedServer, fetcher: HttpFetcher, tmp_path: Path
) -> None:
    server.routes["/bad.xml"] = static(fixture("malformed_recoverable.xml"))
    server.routes["/html.xml"] = static(fixture("not_a_feed.xml"), content_type="text/html; charset=utf-8")
    deliver = Collector()
    specs = [feed(server, "/bad.xml"), feed(server, "/html.xml")]
    poller = make_poller(specs, tmp_path / "sources.db", deliver, FakeClock(), fetcher)

    recovered, broken = poller.poll_once()

    assert (recovered.status, recovered.items) == ("delivered", 2)
    assert "الكهرباء & الماء في القرى" in [p["title"] for p in deliver.payloads()]
    assert broken.status == "failed"
    assert "not a readable RSS/Atom feed" in (broken.error or "")
    assert "not a readable RSS/Atom feed" in poller.health()["html.xml"]["last_error"]


def test_a_feed_that_times_out_fails_fast_and_backs_off(
    server: FeedServer, fetcher: HttpFetcher, tmp_path: Path
) -> None:
    server.routes["/slow.xml"] = lambda headers: Response(body=fixture("rss_utf8.xml"), delay_s=0.6)
    server.routes["/wire.xml"] = static(fixture("rss_utf8.xml"))
    clock, deliver = FakeClock(), Collector()
    specs = [feed(server, "/slow.xml", timeout_s=0.2), feed(server, "/wire.xml")]
    poller = make_poller(specs, tmp_path / "sources.db", deliver, clock, fetcher)

    started = time.monotonic()
    slow, healthy = poller.poll_once()
    elapsed = time.monotonic() - started

    assert elapsed < 0.5
    assert slow.status == "failed" and "timed out after 0.2 s" in (slow.error or "")
    assert 5 <= slow.next_due_at - clock.now <= 10
    assert (healthy.status, healthy.items) == ("delivered", 3)


def test_a_feed_that_fails_backs_off_exponentially_then_recovers(
    server: FeedServer, fetcher: HttpFetcher, tmp_path: Path
) -> None:
    server.routes["/flaky.xml"] = lambda headers: Response(status=500, body=b"oops")
    clock, deliver = FakeClock(), Collector()
    backoff = BackoffSettings(initial_s=10, max_s=30)
    poller = make_poller(
        [feed(server, "/flaky.xml")], tmp_path / "sources.db", deliver, clock, fetcher, backoff=backoff
    )

    delays = []
    for _ in range(4):
        [outcome] = poller.poll_once()
        assert outcome.status == "failed" and "HTTP 500" in (outcome.error or "")
        assert poller.poll_once() == []  # not retried before its backoff ends
        delays.append(outcome.next_due_at - clock.now)
        clock.now = outcome.next_due_at
    health = poller.health()["flaky.xml"]
    server.routes["/flaky.xml"] = static(fixture("rss_utf8.xml"))
    [recovered] = poller.poll_once()

    assert all(low <= d <= high for d, (low, high) in zip(delays, [(5, 10), (10, 20), (15, 30), (15, 30)], strict=True))
    assert health["consecutive_failures"] == 4
    assert len(server.requests_to("/flaky.xml")) == 5
    assert (recovered.status, recovered.items) == ("delivered", 3)
    assert recovered.next_due_at == clock.now + 60
    assert poller.health()["flaky.xml"]["consecutive_failures"] == 0
    assert poller.health()["flaky.xml"]["last_error"].startswith("FetchError: HTTP 500")


def test_failed_delivery_keeps_the_cursor_and_validators_so_items_come_again(
    server: FeedServer, fetcher: HttpFetcher, tmp_path: Path
) -> None:
    server.routes["/wire.xml"] = static(fixture("rss_utf8.xml"), etag='"rev-1"')
    clock, deliver = FakeClock(), Collector()
    poller = make_poller([feed(server, "/wire.xml")], tmp_path / "sources.db", deliver, clock, fetcher)
    deliver.failing = True

    [failed] = poller.poll_once()
    deliver.failing = False
    clock.now = failed.next_due_at
    [retried] = poller.poll_once()

    assert (retried.status, retried.items) == ("delivered", 3)
    assert [headers.get("if-none-match") for headers in server.requests_to("/wire.xml")] == [None, None]


def test_summary_only_feed_gets_full_text_with_a_per_domain_rate_limit(
    server: FeedServer, fetcher: HttpFetcher, tmp_path: Path
) -> None:
    page = fixture("article_windows1256.html")  # charset only in its <meta>
    server.routes["/summary.xml"] = static(fixture("summary_only.xml"))
    server.routes["/articles/council.html"] = static(page, content_type="text/html")
    sleeps: list[float] = []
    page_clock = FakeClock()
    fulltext = FullTextFetcher(fetcher, min_interval_per_domain_s=3.0, clock=page_clock, sleep=sleeps.append)
    deliver = Collector()
    poller = make_poller(
        [feed(server, "/summary.xml", fulltext=True)],
        tmp_path / "sources.db",
        deliver,
        FakeClock(),
        fetcher,
        fulltext=fulltext,
    )

    poller.poll_once()
    second_text = fulltext.article_text(server.url("/articles/council.html"), timeout_s=2)

    [article] = deliver.payloads()
    assert article["url"] == server.url("/articles/council.html")
    assert article["body"].startswith("اجتماع لمجلس المحافظة في طرطوس\nعقد مجلس محافظة طرطوس اجتماعه الدوري")
    assert "جميع الحقوق محفوظة" not in article["body"]
    assert second_text == article["body"]
    assert sleeps == [3.0]  # the second page of the same host waited its turn


def test_full_text_fetch_failure_keeps_the_summary(server: FeedServer, fetcher: HttpFetcher, tmp_path: Path) -> None:
    server.routes["/summary.xml"] = static(fixture("summary_only.xml"))
    deliver = Collector()
    poller = make_poller(
        [feed(server, "/summary.xml", fulltext=True)], tmp_path / "sources.db", deliver, FakeClock(), fetcher
    )

    [outcome] = poller.poll_once()

    assert outcome.status == "delivered"
    assert deliver.payloads()[0]["body"] == "موجز: اجتماع المجلس."


def test_oversized_responses_are_refused(server: FeedServer, tmp_path: Path) -> None:
    server.routes["/huge.xml"] = static(fixture("rss_utf8_updated.xml"))

    with HttpFetcher(max_bytes=1_000) as small, pytest.raises(FetchError, match="exceeds the 1000-byte limit"):
        small.get(server.url("/huge.xml"), timeout_s=2)


def test_read_inputs_reads_a_feed_url_once(server: FeedServer) -> None:
    server.routes["/wire.xml"] = static(fixture("rss_utf8.xml"))

    records = list(read_inputs([server.url("/wire.xml")]))

    assert [json.loads(r.payload)["url"] for r in records] == [f"http://news.invalid/a/{n}" for n in (1, 2, 3)]


def test_read_inputs_raises_when_a_feed_url_cannot_be_fetched(server: FeedServer) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        list(read_inputs([server.url("/missing.xml")]))
