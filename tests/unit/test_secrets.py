"""Secrets (Elasticsearch password or API key, Kafka SASL password) never show in a repr, a log line or an
error message; the security settings reach the clients."""

from __future__ import annotations

import logging

import certifi
import faust
import pytest
from elastic_transport import TransportError

from marsad.workers.elastic.writer import elastic_client
from marsad.workers.kafka.admin import faust_credentials, kafka_options
from marsad.workers.settings import Settings

pytestmark = pytest.mark.unit

PASSWORD, API_KEY, SASL = "pw-3f9a1c-never-shown", "key-77d0e2-never-shown", "sasl-5b1e04-never-shown"


def secure_settings(**overrides: object) -> Settings:
    fields: dict[str, object] = {
        "elasticsearch_url": "https://127.0.0.1:1",
        "elasticsearch_username": "marsad",
        "elasticsearch_password": PASSWORD,
        "elasticsearch_ca_file": certifi.where(),
        "kafka_bootstrap": "127.0.0.1:1",
        "kafka_security_protocol": "SASL_SSL",
        "kafka_sasl_mechanism": "SCRAM-SHA-512",
        "kafka_sasl_username": "marsad",
        "kafka_sasl_password": SASL,
    }
    return Settings(**{**fields, **overrides})  # type: ignore[arg-type]


def assert_hidden(text: str) -> None:
    for secret in (PASSWORD, API_KEY, SASL):
        assert secret not in text


def test_settings_never_print_their_secrets() -> None:
    settings = secure_settings(elasticsearch_api_key=API_KEY)
    assert_hidden(repr(settings) + str(settings) + settings.model_dump_json())


def test_kafka_security_reaches_both_clients_without_printing_the_password() -> None:
    settings = secure_settings()
    options = kafka_options(settings)
    assert options["security_protocol"] == "SASL_SSL" and options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["sasl_plain_password"] == SASL and options["ssl_context"] is not None
    credentials = faust_credentials(settings)
    assert isinstance(credentials, faust.SASLCredentials) and credentials.protocol.value == "SASL_SSL"
    assert credentials.mechanism.value == "SCRAM-SHA-512"
    assert_hidden(repr(credentials))
    assert faust_credentials(Settings()) is None and kafka_options(Settings()) == {"security_protocol": "PLAINTEXT"}


@pytest.mark.parametrize("api_key", [None, API_KEY])
def test_elasticsearch_errors_and_logs_never_show_the_secret(
    api_key: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    client = elastic_client(secure_settings(elasticsearch_api_key=api_key))
    assert client.transport.node_pool.get().config.scheme == "https"
    assert client._headers["authorization"].startswith("ApiKey " if api_key else "Basic ")
    caplog.set_level(logging.DEBUG)
    with pytest.raises(TransportError) as raised:
        client.options(max_retries=0, request_timeout=2).info()
    assert_hidden(str(raised.value) + repr(raised.value) + caplog.text)
