"""The ``marsad`` command line (docs/interfaces.md §5)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from marsad.sources.fetching import FetchError
from marsad.sources.files import UnsupportedInputError
from marsad.workers.settings import Settings

EXIT_USAGE = 2


class UsageError(Exception):
    """Arguments that cannot be used: reported on stderr with exit code 2."""


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False))


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "store", None):
        overrides["store"] = Path(args.store)
    if getattr(args, "rules", None):
        overrides["rules"] = Path(args.rules)
    settings = Settings(**overrides)
    if not settings.rules.is_file():
        raise UsageError(f"rules file not found: {settings.rules}")
    return settings


def _distributed(settings: Settings, args: argparse.Namespace) -> bool:
    """Listings read Elasticsearch when it is configured, unless a store directory was named explicitly."""
    return bool(settings.elasticsearch_url) and not getattr(args, "store", None)


def _with_progress(raws: Iterator[Any], enabled: bool) -> tuple[Iterator[Any], Callable[[int], None] | None]:
    if not enabled:
        return raws, None
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(SpinnerColumn(), TextColumn("{task.completed} records"), TimeElapsedColumn(), transient=True)
    task = progress.add_task("ingest", total=None)
    progress.start()

    def advance(count: int) -> None:
        progress.update(task, advance=count)

    def guarded() -> Iterator[Any]:
        try:
            yield from raws
        finally:
            progress.stop()

    return guarded(), advance


def cmd_ingest(args: argparse.Namespace) -> int:
    from marsad.embedded import EmbeddedPipeline
    from marsad.sources.files import read_inputs

    settings = _settings(args)
    pipeline = EmbeddedPipeline(settings)
    try:
        raws, advance = _with_progress(read_inputs(args.inputs), sys.stderr.isatty() and not args.json)
        summary = pipeline.ingest(raws, on_batch=advance)
    finally:
        pipeline.close()
    if args.json:
        _print_json(summary.as_dict())
    else:
        print(
            f"read {summary.read}: indexed {summary.indexed} ({summary.duplicates} duplicates), "
            f"rejected {summary.rejected}, alerts fired {summary.alerts} — store {settings.store}"
        )
    return 0


def cmd_rejects(args: argparse.Namespace) -> int:
    from marsad.store import Store

    store = Store(_settings(args).store)
    rejects = store.rejects()
    store.close()
    for reject in rejects:
        if args.json:
            _print_json(reject)
        else:
            preview = reject["payload"][:80].replace("\n", " ")
            print(f"{reject['source']}: {reject['reason']} — {preview}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if _distributed(settings, args):
        from marsad.workers.elastic import reader

        for document in reader.export(settings):
            _print_json(document)
        return 0
    from marsad.store import Store

    store = Store(settings.store)
    for stored in store.documents():
        _print_json(stored.to_dict())
    store.close()
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    if not args.query.strip():
        raise UsageError("the query is empty")
    settings = _settings(args)
    if _distributed(settings, args):
        from marsad.workers.elastic import reader

        hits = reader.search(settings, args.query, args.limit)
    else:
        from marsad.store import Store
        from marsad.workers.build import build_expander
        from marsad.workers.stages.discovery import learned_entries

        store = Store(settings.store)
        query = build_expander(settings, learned_entries(store.name_candidates().values())).expand(args.query)
        hits = [result.to_dict() for result in store.search(query, args.limit)]
        store.close()
    if args.json:
        _print_json(hits)
        return 0
    if not hits:
        print("no hits")
    for rank, hit in enumerate(hits, 1):
        snippet = hit["snippet"].replace("<mark>", "«").replace("</mark>", "»")
        print(f"{rank}. {hit['title'] or hit['id']}  [{hit['id']}, score {hit['score']}]\n   {snippet}")
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if _distributed(settings, args):
        from marsad.workers.elastic import reader

        alerts = reader.alerts(settings)
    else:
        from marsad.store import Store

        store = Store(settings.store)
        alerts = [alert.to_dict() for alert in store.alerts()]
        store.close()
    if args.json:
        _print_json(alerts)
        return 0
    for alert in alerts:
        print(
            f"{alert['fired_at']}  {alert['rule']}: {alert['doc_id']} (story {alert['story_id']}) "
            f"— {'، '.join(alert['matched'])}"
        )
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from marsad.runner import run_embedded

    return run_embedded(_settings(args), once=args.once)


def cmd_serve(args: argparse.Namespace) -> int:
    from marsad.runner import run_serve

    settings = _settings(args)
    if not settings.elasticsearch_url:
        raise UsageError("MARSAD_ELASTICSEARCH_URL is not set")
    return run_serve(settings)


def cmd_produce(args: argparse.Namespace) -> int:
    from marsad.producer import produce

    settings = Settings()
    if not settings.kafka_bootstrap:
        raise UsageError("MARSAD_KAFKA_BOOTSTRAP is not set")
    return produce(settings, list(args.sources), follow=args.follow)


def cmd_worker(args: argparse.Namespace) -> int:
    from marsad.workers.kafka.agents import run_worker

    settings = Settings()
    if not settings.distributed:
        raise UsageError("MARSAD_KAFKA_BOOTSTRAP and MARSAD_ELASTICSEARCH_URL must both be set")
    run_worker(settings)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="marsad", description="Arabic news ingestion: clean, dedup, tag, alert.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and alerts")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    def store_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--store", help="store directory (default ./data or MARSAD_STORE)")

    ingest = command("ingest", cmd_ingest, "run inputs through the whole pipeline into the embedded store")
    store_option(ingest)
    ingest.add_argument("--rules", help="alert rules YAML (default config/alerts.yaml or MARSAD_RULES)")
    ingest.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    ingest.add_argument("inputs", nargs="+", help=".jsonl/.json/.txt/RSS/Atom files, directories, feed URLs")

    rejects = command("rejects", cmd_rejects, "list rejected records with their reasons")
    store_option(rejects)
    rejects.add_argument("--json", action="store_true")

    export = command("export", cmd_export, "every enriched document as JSON Lines, in ingest order")
    store_option(export)

    search = command("search", cmd_search, "ranked hits with highlighted snippets")
    store_option(search)
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--json", action="store_true")
    search.add_argument("query")

    alerts = command("alerts", cmd_alerts, "fired alerts, oldest first")
    store_option(alerts)
    alerts.add_argument("--json", action="store_true")

    run = command("run", cmd_run, "poll the configured sources continuously; serve search, API and /metrics")
    store_option(run)
    run.add_argument("--rules")
    run.add_argument("--once", action="store_true", help="poll every source once, then stop")

    serve = command("serve", cmd_serve, "serve the search page and the JSON API over Elasticsearch (read-only)")
    serve.add_argument("--rules", help="alert rules YAML shown on the page (default config/alerts.yaml)")

    produce = command("produce", cmd_produce, "push raw articles to Kafka")
    produce.add_argument("--follow", action="store_true", help="keep following the sources")
    produce.add_argument("sources", nargs="+")

    command("worker", cmd_worker, "the Faust worker: Kafka in, Elasticsearch out")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(asctime)s %(name)s %(message)s"
    )
    try:
        return int(args.handler(args))
    except (UsageError, UnsupportedInputError, FetchError) as error:
        parser.error(str(error))  # exits with 2
    except BrokenPipeError:
        return 0
    return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
