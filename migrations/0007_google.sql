-- Google Workspace: users.watch push channels, push de-duplication, and sync progress.

-- Channels outlive a deleted directory row on purpose: they must still be stopped at Google.
CREATE TABLE google_channels (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,                              -- X-Goog-Channel-ID (ours, a ULID)
    directory_id text NOT NULL,
    event text NOT NULL CHECK (event IN ('add', 'update', 'delete', 'undelete', 'makeAdmin')),
    resource_id text NOT NULL,                     -- Google's id, needed by channels.stop
    token_hash bytea NOT NULL,                     -- SHA-256 of X-Goog-Channel-Token
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    stopped_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);
-- The push receiver knows only the channel id; channel ids are globally unique ULIDs.
CREATE UNIQUE INDEX google_channels_id ON google_channels (id);
CREATE INDEX google_channels_directory ON google_channels (tenant_id, directory_id) WHERE stopped_at IS NULL;

-- Each (channel, X-Goog-Message-Number) is applied once; rows older than a week are pruned.
CREATE TABLE google_push_messages (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    channel_id text NOT NULL,
    message_number bigint NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, channel_id, message_number)
);
CREATE INDEX google_push_messages_received ON google_push_messages (received_at);

-- Sync progress and schedule per Google directory (shown by GET /v1/directories/{id}/sync).
CREATE TABLE google_sync_state (
    tenant_id text NOT NULL,
    directory_id text NOT NULL,
    phase text NOT NULL DEFAULT 'pending'
        CHECK (phase IN ('pending', 'users', 'groups', 'idle', 'failed')),
    kind text CHECK (kind IN ('initial', 'reconcile')),
    counts jsonb NOT NULL DEFAULT '{}',
    started_at timestamptz,
    finished_at timestamptz,
    last_error text,
    last_error_at timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,                   -- backoff after a failure
    initial_completed_at timestamptz,
    users_synced_at timestamptz,                   -- last complete users pass
    groups_synced_at timestamptz,                  -- last complete groups pass
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, directory_id),
    FOREIGN KEY (tenant_id, directory_id) REFERENCES directories (tenant_id, id) ON DELETE CASCADE
);
