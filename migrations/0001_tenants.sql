-- Tenants (the B2B SaaS companies using dirsync) and their API keys.
-- Every tenant-owned table leads its keys and indexes with tenant_id, so tenants can shard.

CREATE TABLE tenants (
    id text PRIMARY KEY,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    name text NOT NULL DEFAULT '',
    prefix text NOT NULL,
    key_hash bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);

-- Lookup by hash on every authenticated request.
CREATE UNIQUE INDEX api_keys_key_hash ON api_keys (key_hash);
