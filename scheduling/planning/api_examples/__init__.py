"""The OpenAPI examples of the planning API, by part."""
