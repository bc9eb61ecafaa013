-- Webhook delivery: endpoints, per endpoint x directory streams with a cursor, the attempt log.
-- Postgres holds all delivery state; Redis only holds the jobs that act on it.

CREATE TABLE webhook_endpoints (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    url text NOT NULL,
    description text NOT NULL DEFAULT '',
    enabled boolean NOT NULL DEFAULT true,
    disabled_reason text,
    event_types text[],                            -- NULL: every directory event type
    directory_ids text[],                          -- NULL: every directory
    max_rate integer CHECK (max_rate IS NULL OR max_rate > 0),  -- requests per second
    secret text NOT NULL,                          -- whsec_<base64>
    previous_secret text,                          -- still signed with until it expires (rotation)
    previous_secret_expires_at timestamptz,
    failing_since timestamptz,                     -- first failure of the current failing streak
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX webhook_endpoints_id ON webhook_endpoints (id);

-- A stream is one ordered lane of delivery to an endpoint:
--   kind 'directory': the live events of one directory, cursor = last sequence delivered or given up;
--   kind 'tenant':    the tenant-level signals, cursor = (cursor_tx, cursor) over (tx_id, position);
--   kind 'replay':    a replay request (a sequence range of one directory, optionally only the
--                     events given up since failed_since, or one event by id).
-- The head event (the one after the cursor) is attempted until delivered or given up.
CREATE TABLE webhook_streams (
    tenant_id text NOT NULL,
    endpoint_id text NOT NULL,
    id text NOT NULL,                              -- directory id, 'tenant', or rpl_<ulid>
    kind text NOT NULL CHECK (kind IN ('directory', 'tenant', 'replay')),
    directory_id text,
    cursor bigint NOT NULL DEFAULT 0,
    cursor_tx xid8,
    range_to bigint,                               -- replay: last sequence included
    failed_since timestamptz,                      -- replay: only events given up since then
    event_id text,                                 -- replay: exactly this event
    done boolean NOT NULL DEFAULT false,           -- replay finished
    attempts integer NOT NULL DEFAULT 0,           -- attempts made for the head event
    next_attempt_at timestamptz,                   -- head event retry due (NULL: now)
    last_error text,
    lease_token text,
    lease_until timestamptz,
    -- Counters read by the API's /metrics at scrape time.
    delivered_total bigint NOT NULL DEFAULT 0,
    failed_total bigint NOT NULL DEFAULT 0,
    given_up_total bigint NOT NULL DEFAULT 0,
    latency_sum_ms double precision NOT NULL DEFAULT 0,
    latency_buckets bigint[] NOT NULL DEFAULT '{0,0,0,0,0,0,0,0,0,0,0,0}',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, endpoint_id, id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_streams_directory ON webhook_streams (tenant_id, directory_id) WHERE kind = 'directory';

CREATE TABLE delivery_attempts (
    tenant_id text NOT NULL,
    id text NOT NULL,                              -- att_<ulid>: time ordered
    endpoint_id text NOT NULL,
    event_id text NOT NULL,
    event_type text NOT NULL,
    directory_id text,
    sequence bigint,
    stream_id text,
    attempt integer NOT NULL,                      -- 1 for the first attempt of this event on this stream
    created_at timestamptz NOT NULL DEFAULT now(),
    status integer,                                -- HTTP status; NULL when no response
    latency_ms double precision NOT NULL,
    error text,
    response_excerpt text,                         -- at most 1 KiB
    request_headers jsonb NOT NULL DEFAULT '{}',   -- as sent, signatures redacted
    replay boolean NOT NULL DEFAULT false,
    test boolean NOT NULL DEFAULT false,
    outcome text NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'given_up')),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX delivery_attempts_endpoint ON delivery_attempts (tenant_id, endpoint_id, id);
CREATE INDEX delivery_attempts_event ON delivery_attempts (tenant_id, endpoint_id, event_id);
CREATE INDEX delivery_attempts_given_up ON delivery_attempts (tenant_id, endpoint_id, created_at)
    WHERE outcome = 'given_up';
CREATE INDEX delivery_attempts_created ON delivery_attempts (created_at);
