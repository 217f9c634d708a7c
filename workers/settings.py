"""The one settings object. Every knob is an env var with the ``MARSAD_`` prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The defaults shipped as package data (``marsad/config`` is the repository's ``config/``). Not resolved:
# in a checkout ``marsad/workers`` and ``marsad/config`` are links, and the path must go through them.
SHIPPED_CONFIG_DIR = Path(__file__).parent.parent / "config"

# Files under the config directory that a setting of their own may point elsewhere.
_CONFIG_FILES = {
    "rules": "alerts.yaml",
    "gazetteer_dir": "gazetteer",
    "boilerplate": "boilerplate.yaml",
    "sources": "sources.yaml",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MARSAD_", frozen=True, extra="ignore")

    # Configuration files: each defaults to its name under ``config_dir`` (MARSAD_CONFIG_DIR)
    config_dir: Path = SHIPPED_CONFIG_DIR
    rules: Path = Path()
    gazetteer_dir: Path = Path()
    boilerplate: Path = Path()
    sources: Path = Path()

    # Embedded mode
    store: Path = Path("./data")
    ner_model_path: Path | None = None  # camel-tools NER model directory; gazetteer only when unset
    # Names the rules missed, found by the names model too (workers/stages/names_model.py, its weights in the
    # config directory): more names found, some less exactly, and enrichment about a fifth slower (training/README.md)
    names_model: bool = False
    # Name discovery: a name found from its context joins the learned gazetteer once this many sources named it
    discovery_min_sources: int = Field(default=2, ge=1)

    # Input limits
    max_body_bytes: int = 2_000_000

    # Deduplication
    dedup_threshold: float = 0.7  # Jaccard similarity of word shingles that makes a near-duplicate
    dedup_num_perm: int = 64  # signature length; candidates are verified with the real similarity
    dedup_shingle_words: int = 3
    dedup_window_days: float = 30.0
    # Late-original window: for this long after a story's first article was decided, an article published
    # earlier still takes over as its original (and stories still merge); then the story is settled.
    late_original_hours: float = 72.0
    dedup_max_entries: int = 500_000

    # Distributed mode
    kafka_bootstrap: str | None = None
    topic_prefix: str = ""
    consumer_group: str = "marsad-worker"
    elasticsearch_url: str | None = None
    elasticsearch_username: str | None = None
    elasticsearch_password: SecretStr | None = None
    elasticsearch_api_key: SecretStr | None = None  # base64 "id:key", instead of a user and password
    elasticsearch_ca_file: Path | None = None  # PEM CA that signed the https:// node's certificate
    # Kafka security, passed to Faust/aiokafka and kafka-python alike
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "PLAIN"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_ca_file: Path | None = None  # PEM CA for SSL/SASL_SSL; the system's CAs when unset
    # Largest message marsad sends (the broker's default message.max.bytes is 1,048,588 with headers): a
    # prepared article over it is dead-lettered, a dead letter over it has its payload cut to fit.
    kafka_max_message_bytes: int = 1_000_000
    # A SIGKILLed worker's partitions move after the session timeout; heartbeats must come ~3x as often.
    kafka_session_timeout_seconds: float = 10.0
    kafka_heartbeat_interval_seconds: float = 3.0
    index_prefix: str = ""
    bulk_max_docs: int = 500
    bulk_max_bytes: int = 5_000_000
    # Bulk requests a batch's documents are split into, sent at once: Elasticsearch indexes one request into a
    # shard on one thread, so a single stream leaves the node's other cores idle.
    bulk_streams: int = 2
    # Longest wait for a batch to fill: each agent adds up to this to latency. Under load batches fill anyway
    # while the previous one is being processed.
    bulk_max_seconds: float = 0.02
    prepare_processes: int = 1  # processes running the prepare agent's Enricher; 0: a thread of the worker
    bulk_retry_initial_seconds: float = 0.5  # backoff after a failed bulk write, doubling up to the max
    bulk_retry_max_seconds: float = 30.0

    # HTTP (search page, JSON API, /metrics) for `marsad run`
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    api_token: SecretStr | None = None  # when set, writes (POST /api/articles) need "Authorization: Bearer TOKEN"
    max_push_bytes: int = 20_000_000  # largest POST /api/articles body, chunked or not (else 413)

    # Alert delivery (routed per rule: log, kafka, webhook)
    public_url: str | None = None  # where alert links point (``/story/ID``); default http://HTTP_HOST:HTTP_PORT
    webhook_secret: SecretStr | None = None  # HMAC-SHA256 key of the X-Marsad-Signature header; unsigned if unset
    webhook_timeout_seconds: float = 5.0  # per attempt
    webhook_attempts: int = 5  # then the post is dead-lettered
    webhook_backoff_seconds: float = 0.5  # backoff factor: retries at once, then waits 2×, 4×, 8× … this
    webhook_queue_size: int = 1000  # posts waiting; when full, a new post is dead-lettered at once

    @model_validator(mode="before")
    @classmethod
    def _files_under_config_dir(cls, values: Any) -> Any:
        if isinstance(values, dict):
            config_dir = Path(values.get("config_dir") or SHIPPED_CONFIG_DIR)
            for name, default in _CONFIG_FILES.items():
                if not values.get(name):
                    values[name] = config_dir / default
        return values

    @property
    def distributed(self) -> bool:
        return bool(self.kafka_bootstrap and self.elasticsearch_url)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
