-- Workers cache webhook endpoints (and which endpoints want a directory) between commits; every
-- change to an endpoint row tells them on 'dirsync_endpoints' (payload: "<tenant_id> <endpoint_id>")
-- when it commits, so a disable, a rotated secret or a new filter applies to the next delivery.
CREATE FUNCTION dirsync_endpoint_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed webhook_endpoints;
BEGIN
    changed := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    PERFORM pg_notify('dirsync_endpoints', changed.tenant_id || ' ' || changed.id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER webhook_endpoints_changed
AFTER INSERT OR UPDATE OR DELETE ON webhook_endpoints
FOR EACH ROW EXECUTE FUNCTION dirsync_endpoint_changed();
