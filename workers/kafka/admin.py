"""Kafka clients' common options (security), and topic creation (``topics/definitions.py``) when missing."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from contextlib import suppress
from typing import Any

import faust
from faust.types.auth import CredentialsT
from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from marsad.topics.definitions import ALL_TOPICS, TopicSpec
from marsad.workers.settings import Settings


def _ssl_context(settings: Settings) -> ssl.SSLContext | None:
    if settings.kafka_security_protocol not in ("SSL", "SASL_SSL"):
        return None
    ca_file = settings.kafka_ssl_ca_file
    return ssl.create_default_context(cafile=str(ca_file) if ca_file is not None else None)


def kafka_options(settings: Settings) -> dict[str, Any]:
    """kafka-python options (producer, admin client, consumers) for the configured security protocol."""
    options: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    context = _ssl_context(settings)
    if context is not None:
        options["ssl_context"] = context
    if settings.kafka_security_protocol.startswith("SASL_"):
        password = settings.kafka_sasl_password
        options |= {
            "sasl_mechanism": settings.kafka_sasl_mechanism,
            "sasl_plain_username": settings.kafka_sasl_username,
            "sasl_plain_password": password.get_secret_value() if password is not None else None,
        }
    return options


def faust_credentials(settings: Settings) -> CredentialsT | None:
    """The same security for Faust (which hands it to aiokafka); ``None`` for plaintext."""
    context = _ssl_context(settings)
    if settings.kafka_security_protocol.startswith("SASL_"):
        password = settings.kafka_sasl_password
        return faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=password.get_secret_value() if password is not None else None,
            mechanism=settings.kafka_sasl_mechanism,
            ssl_context=context,
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None


def ensure_topics(
    bootstrap: str, prefix: str, specs: tuple[TopicSpec, ...] = ALL_TOPICS, options: Mapping[str, Any] | None = None
) -> None:
    """``options``: ``kafka_options(settings)`` when the cluster needs security."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","), client_id="marsad-admin", **(options or {}))
    try:
        existing = set(admin.list_topics())
        missing = [
            NewTopic(spec.name(prefix), num_partitions=spec.partitions, replication_factor=1)
            for spec in specs
            if spec.name(prefix) not in existing
        ]
        if missing:
            with suppress(TopicAlreadyExistsError):  # created concurrently by another worker or producer
                admin.create_topics(missing)
    finally:
        admin.close()
