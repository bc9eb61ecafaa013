-- The optimistic apply (app/services/_optimistic.py): commit one planned user upsert and its
-- events only if the directory row is still the version the plan was made from. PL/pgSQL keeps
-- the plans of these statements per session, which a simple-query statement could not.
-- p: {tenant_id, directory_id, row_version (xmin as read), expected_sequence, last_sequence,
--     source_id, insert: user row | null, update: user row | null, events: [...]}.
-- The user columns are listed here: a migration that adds one must replace this function.
CREATE FUNCTION dirsync_apply_user(p jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t text := p->>'tenant_id';
    d text := p->>'directory_id';
BEGIN
    UPDATE directories SET last_sequence = (p->>'last_sequence')::bigint
    WHERE tenant_id = t AND id = d
      AND xmin = (p->>'row_version')::xid
      AND last_sequence = (p->>'expected_sequence')::bigint;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the directory changed since it was read' USING ERRCODE = 'serialization_failure';
    END IF;
    IF p->>'source_id' IS NOT NULL THEN
        INSERT INTO applied_sources (tenant_id, directory_id, source_id) VALUES (t, d, p->>'source_id');
    END IF;
    IF jsonb_typeof(p->'insert') = 'object' THEN
        INSERT INTO directory_users (
            tenant_id, directory_id, id, created_at, updated_at, external_id, username, emails,
            first_name, last_name, display_name, state, job_title, department, employee_number,
            manager_external_id, custom_attributes, raw_attributes)
        SELECT t, d, r.id, r.created_at, r.updated_at, r.external_id, r.username, r.emails,
               r.first_name, r.last_name, r.display_name, r.state, r.job_title, r.department,
               r.employee_number, r.manager_external_id, r.custom_attributes, r.raw_attributes
        FROM jsonb_populate_record(NULL::directory_users, p->'insert') r;
    END IF;
    IF jsonb_typeof(p->'update') = 'object' THEN
        UPDATE directory_users u SET
            external_id = r.external_id, username = r.username, emails = r.emails,
            first_name = r.first_name, last_name = r.last_name, display_name = r.display_name,
            state = r.state, job_title = r.job_title, department = r.department,
            employee_number = r.employee_number, manager_external_id = r.manager_external_id,
            custom_attributes = r.custom_attributes, raw_attributes = r.raw_attributes,
            version = u.version + 1, updated_at = r.updated_at
        FROM jsonb_populate_record(NULL::directory_users, p->'update') r
        WHERE u.tenant_id = t AND u.directory_id = d AND u.id = r.id;
    END IF;
    INSERT INTO events (tenant_id, id, directory_id, sequence, type, occurred_at, recorded_at, body)
    SELECT t, e.id, d, e.sequence, e.type, e.occurred_at, e.recorded_at, e.body
    FROM jsonb_to_recordset(p->'events') AS e(
        id text, sequence bigint, type text, occurred_at timestamptz, recorded_at timestamptz, body text);
END
$$;
