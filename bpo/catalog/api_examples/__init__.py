"""The OpenAPI examples and documented answers of the catalog API, by part."""
