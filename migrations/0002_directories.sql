-- Directories, their users, groups and memberships, and the per-directory event stream.
-- Every key and index leads with tenant_id (shardable by tenant).

CREATE TABLE directories (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    name text NOT NULL,
    provider text NOT NULL CHECK (provider IN ('scim', 'okta', 'entra', 'google')),
    state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'inactive', 'deleting', 'deleted')),
    -- SCIM bearer token: hash of the current one, and of the previous one during a rotation overlap.
    scim_token_hash bytea,
    scim_token_prefix text,
    previous_scim_token_hash bytea,
    previous_scim_token_expires_at timestamptz,
    settings jsonb NOT NULL DEFAULT '{}',          -- non-secret provider settings
    credentials bytea,                             -- AES-256-GCM(nonce || ciphertext) of provider secrets
    credentials_key_id text,
    role_mappings jsonb NOT NULL DEFAULT '{}',     -- group name or id -> role
    attribute_mappings jsonb NOT NULL DEFAULT '{}',-- custom attribute name -> raw attribute path
    last_sequence bigint NOT NULL DEFAULT 0,       -- the sequence allocator; row lock orders writers
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);
-- SCIM and provider pushes address a directory by id alone; ids are globally unique ULIDs.
CREATE UNIQUE INDEX directories_id ON directories (id);

CREATE TABLE directory_users (
    tenant_id text NOT NULL,
    directory_id text NOT NULL,
    id text NOT NULL,
    external_id text,
    username text NOT NULL,
    emails jsonb NOT NULL DEFAULT '[]',
    first_name text,
    last_name text,
    display_name text,
    state text NOT NULL CHECK (state IN ('active', 'inactive', 'suspended')),
    job_title text,
    department text,
    employee_number text,
    manager_external_id text,
    custom_attributes jsonb NOT NULL DEFAULT '{}',
    raw_attributes jsonb NOT NULL DEFAULT '{}',
    version bigint NOT NULL DEFAULT 1,             -- bumps on every change (SCIM weak ETag)
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, directory_id) REFERENCES directories (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX directory_users_external_id ON directory_users (tenant_id, directory_id, external_id);
CREATE UNIQUE INDEX directory_users_username ON directory_users (tenant_id, directory_id, lower(username));
CREATE INDEX directory_users_list ON directory_users (tenant_id, directory_id, id);

CREATE TABLE directory_groups (
    tenant_id text NOT NULL,
    directory_id text NOT NULL,
    id text NOT NULL,
    external_id text,
    name text NOT NULL,
    raw_attributes jsonb NOT NULL DEFAULT '{}',
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, directory_id) REFERENCES directories (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX directory_groups_external_id ON directory_groups (tenant_id, directory_id, external_id);
CREATE INDEX directory_groups_list ON directory_groups (tenant_id, directory_id, id);
CREATE INDEX directory_groups_name ON directory_groups (tenant_id, directory_id, lower(name));

CREATE TABLE directory_memberships (
    tenant_id text NOT NULL,
    directory_id text NOT NULL,
    group_id text NOT NULL,
    user_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, group_id, user_id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES directory_groups (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES directory_users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX directory_memberships_user ON directory_memberships (tenant_id, user_id);

-- The event log. Directory events carry (directory_id, sequence): gapless, assigned under the
-- directory row lock, so per-directory sequence order is commit order. Tenant-level signals have
-- neither. tx_id + position give the tenant-wide stream a cursor that never skips a late commit:
-- readers only return rows whose transaction is older than every transaction still running
-- (tx_id < pg_snapshot_xmin(pg_current_snapshot())), ordered by (tx_id, position).
CREATE TABLE events (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    directory_id text,
    sequence bigint,
    type text NOT NULL,
    occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    position bigint GENERATED ALWAYS AS IDENTITY,
    body text NOT NULL,                            -- the JSON envelope, encoded once, sent byte for byte
    PRIMARY KEY (tenant_id, id),
    CHECK ((directory_id IS NULL) = (sequence IS NULL))
);
CREATE UNIQUE INDEX events_directory_sequence ON events (tenant_id, directory_id, sequence)
    WHERE directory_id IS NOT NULL;
CREATE INDEX events_tenant_stream ON events (tenant_id, tx_id, position);
CREATE INDEX events_directory_time ON events (tenant_id, directory_id, recorded_at);

-- Idempotency: a batch with a source id (provider event or request id) is applied once.
CREATE TABLE applied_sources (
    tenant_id text NOT NULL,
    directory_id text NOT NULL,
    source_id text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, directory_id, source_id),
    FOREIGN KEY (tenant_id, directory_id) REFERENCES directories (tenant_id, id) ON DELETE CASCADE
);
