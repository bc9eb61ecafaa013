"""The only place with SQL. Every function takes ``conn`` first and, for tenant data, ``tenant_id`` next."""
