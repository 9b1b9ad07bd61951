"""The tenant-aware database connection, typed.

django-tenants' PostgreSQL backend adds schema methods (``set_tenant``,
``set_schema_to_public``, ``schema_name``) to Django's connection; type checkers only see
Django's ``BaseDatabaseWrapper``. Code that switches schemas goes through these helpers.
"""

from __future__ import annotations

from typing import cast

from django.db import connection
from django_tenants.postgresql_backend.base import DatabaseWrapper


def tenant_connection() -> DatabaseWrapper:
    return cast(DatabaseWrapper, connection)


def use_public_schema() -> None:
    tenant_connection().set_schema_to_public()
