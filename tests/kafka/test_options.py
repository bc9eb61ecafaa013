from __future__ import annotations

import ssl

from app.kafka import connection_options, producer_options, topic_for
from app.settings import load_settings


def test_plaintext_defaults() -> None:
    kafka = load_settings({"DIRSYNC_KAFKA_BOOTSTRAP_SERVERS": "k1:9092, k2:9092"}).kafka
    options = producer_options(kafka)
    assert options["bootstrap_servers"] == ["k1:9092", "k2:9092"]
    assert options["security_protocol"] == "PLAINTEXT"
    assert options["acks"] == "all"
    assert options["enable_idempotence"] is False
    assert "ssl_context" not in options and "sasl_mechanism" not in options
    assert topic_for(kafka, "ten_1") == "dirsync.events"


def test_sasl_ssl_and_idempotence_are_passed_through() -> None:
    kafka = load_settings(
        {
            "DIRSYNC_KAFKA_BOOTSTRAP_SERVERS": "broker:9093",
            "DIRSYNC_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "DIRSYNC_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "DIRSYNC_KAFKA_SASL_USERNAME": "relay",
            "DIRSYNC_KAFKA_SASL_PASSWORD": "s3cret",
            "DIRSYNC_KAFKA_ENABLE_IDEMPOTENCE": "true",
            "DIRSYNC_KAFKA_TOPIC_PER_TENANT": "true",
        }
    ).kafka
    options = connection_options(kafka)
    assert options["security_protocol"] == "SASL_SSL"
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    assert options["ssl_context"].verify_mode == ssl.CERT_REQUIRED
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == ("relay", "s3cret")
    assert producer_options(kafka)["enable_idempotence"] is True
    assert topic_for(kafka, "ten_1") == "dirsync.events.ten_1"
