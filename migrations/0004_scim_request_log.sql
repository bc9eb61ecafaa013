-- Every SCIM request a directory receives and what we answered, so a tenant can see exactly what
-- its customer's IdP sent. Bodies are stored with secrets redacted; no headers except the
-- User-Agent are kept (never Authorization). Pruned after DIRSYNC_SCIM_REQUEST_LOG_RETENTION_HOURS.
CREATE TABLE scim_request_log (
    tenant_id text NOT NULL,
    directory_id text NOT NULL,
    id text NOT NULL,                       -- scr_<ULID>: time-ordered, the list cursor
    method text NOT NULL,
    path text NOT NULL,
    query text NOT NULL DEFAULT '',
    status integer NOT NULL,
    latency_ms double precision NOT NULL,
    user_agent text,
    request_body jsonb,
    response_body jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, directory_id) REFERENCES directories (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX scim_request_log_directory ON scim_request_log (tenant_id, directory_id, id DESC);
CREATE INDEX scim_request_log_created ON scim_request_log (created_at);
