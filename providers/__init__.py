"""Per-provider adapters: raw IdP input in, normalized changes out. They never touch the database."""
