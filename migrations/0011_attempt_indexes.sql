-- Every attempt read names its endpoint (the log, retention, recovery), so the endpoint leads the
-- primary key and the separate (tenant_id, endpoint_id, id) index goes; retention deletes by the
-- time-ordered attempt id per endpoint, so the created_at index goes too. Two fewer index
-- entries per delivered attempt: the attempt insert is most of Postgres's work per delivery.
ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_pkey;
ALTER TABLE delivery_attempts ADD PRIMARY KEY (tenant_id, endpoint_id, id);
DROP INDEX delivery_attempts_endpoint;
DROP INDEX delivery_attempts_created;
