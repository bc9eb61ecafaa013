-- The foreign key from each attempt to its endpoint was checked on every insert: a fifth of
-- Postgres's time on a batch of delivered attempts. Attempts are written only for a stream that
-- exists (the same statement moves the stream's cursor), and streams reference their endpoint,
-- so the check added nothing. What it did do, removing an endpoint's attempts with it, is now a
-- trigger (it also runs when a tenant's deletion cascades to its endpoints).
ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_tenant_id_endpoint_id_fkey;

CREATE FUNCTION dirsync_endpoint_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM delivery_attempts WHERE tenant_id = OLD.tenant_id AND endpoint_id = OLD.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER webhook_endpoints_deleted
AFTER DELETE ON webhook_endpoints
FOR EACH ROW EXECUTE FUNCTION dirsync_endpoint_deleted();
