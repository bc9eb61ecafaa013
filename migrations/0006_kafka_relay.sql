-- The Kafka firehose relay (docs/kafka.md). One cursor row per relay: the (tx_id, position) of the
-- last event the broker acknowledged. The relay only reads events whose transaction is older than
-- every running one, so advancing this cursor never skips an event that commits late.
CREATE TABLE kafka_relay_cursors (
    name text PRIMARY KEY,
    tx_id xid8 NOT NULL DEFAULT '0',
    position bigint NOT NULL DEFAULT 0,
    relayed bigint NOT NULL DEFAULT 0,             -- events acknowledged by the broker, all time
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO kafka_relay_cursors (name) VALUES ('default');

-- The relay reads every tenant in (tx_id, position) order. This index is global on purpose (the
-- firehose is the one cross-tenant reader); when tenants are sharded, each shard runs its own relay.
CREATE INDEX events_relay_order ON events (tx_id, position);
