-- Webhook signing secrets encrypted at rest (AES-256-GCM under DIRSYNC_CRYPTO_KEYS, as provider
-- credentials are). secrets_sealed holds {"secret", "previous_secret"} as JSON, encrypted with the
-- key named by secrets_key_id and bound to the endpoint by its associated data. The plaintext
-- columns stay only for rows written before this migration or on a server with no key configured;
-- the worker seals such rows at startup once a key is configured, and key rotation re-seals rows
-- still under an older key (app/services/webhook_secrets.py).
ALTER TABLE webhook_endpoints
    ADD COLUMN secrets_sealed bytea,
    ADD COLUMN secrets_key_id text,
    ALTER COLUMN secret DROP NOT NULL;

ALTER TABLE webhook_endpoints ADD CONSTRAINT webhook_endpoints_secret_stored CHECK (
    (secrets_sealed IS NOT NULL AND secrets_key_id IS NOT NULL AND secret IS NULL AND previous_secret IS NULL)
    OR (secrets_sealed IS NULL AND secrets_key_id IS NULL AND secret IS NOT NULL)
);
