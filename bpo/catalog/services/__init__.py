"""Writes of the catalog, one module per area. Every service runs in one transaction inside
``bpo.catalog.audit.audit_actor`` so the change history names who made it."""
