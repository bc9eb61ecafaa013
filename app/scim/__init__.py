"""SCIM 2.0 protocol logic that needs no database: filters, PATCH, mapping, schemas."""
