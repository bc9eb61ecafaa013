"""The Kafka firehose (docs/kafka.md): a relay in the worker mirrors every committed event to Kafka."""

from app.kafka._lag import render_lag_metrics
from app.kafka._publisher import Publisher, connection_options, message_headers, producer_options, topic_for
from app.kafka._relay import KafkaRelay, start_relay

__all__ = [
    "KafkaRelay",
    "Publisher",
    "connection_options",
    "message_headers",
    "producer_options",
    "render_lag_metrics",
    "start_relay",
    "topic_for",
]
