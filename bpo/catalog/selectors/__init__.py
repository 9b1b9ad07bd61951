"""Reads of the catalog, one module per area. Run them with the client's schema active."""
