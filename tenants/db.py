"""The tenant-aware database connection, typed.

django-tenants' PostgreSQL backend adds schema methods (``set_tenant``,
``set_schema_to_public``, ``schema_name``) to Django's connection; type checkers only see
Django's ``BaseDatabaseWrapper``. Code that switches schemas goes through these helpers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import cast

from django.db import connection
from django.db.models import QuerySet
from django.db.models.sql import Query
from django_tenants.postgresql_backend.base import DatabaseWrapper

# The shape of every client schema name (``tenants.provisioning`` creates no other).
SCHEMA_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def tenant_connection() -> DatabaseWrapper:
    return cast(DatabaseWrapper, connection)


def use_public_schema() -> None:
    tenant_connection().set_schema_to_public()


def _tables(query: Query) -> set[str]:
    """The tables ``query`` reads, with those of its subqueries (``Exists``, ``Subquery``)."""
    tables = {join.table_name for join in query.alias_map.values()}
    nodes: list = [query.where, *query.annotations.values()]
    while nodes:
        node = nodes.pop()
        inner = getattr(node, "query", None)
        if isinstance(inner, Query) and inner is not query:
            tables |= _tables(inner)
        nodes.extend(getattr(node, "children", ()))
        if hasattr(node, "get_source_expressions"):
            nodes.extend(e for e in node.get_source_expressions() if e is not None)
    return tables


def qualified_sql(queryset: QuerySet, *, schema_name: str) -> tuple[str, tuple]:
    """The SQL of ``queryset`` with every table it reads qualified with ``schema_name``.

    The SQL of several client schemas can then be combined into one statement (``UNION ALL``,
    ``EXISTS``), which ``search_path`` alone cannot do: a reader over many clients (the home
    page's to-dos) costs one query instead of one per schema. Only for querysets built from
    the ORM; ``schema_name`` must be a client's schema name (validated when it was created).
    """
    if not SCHEMA_NAME.match(schema_name):
        raise ValueError(f"Not a schema name: {schema_name!r}")
    query = queryset.query.clone()
    sql, params = query.get_compiler(using=queryset.db).as_sql()
    tables = _tables(query)
    if not tables:
        return sql, tuple(params)
    quote = connection.ops.quote_name
    pattern = re.compile("|".join(re.escape(quote(table)) for table in sorted(tables)))
    qualified = pattern.sub(lambda match: f"{quote(schema_name)}.{match[0]}", sql)
    return qualified, tuple(params)


def union_all(selects: Sequence[tuple[str, tuple]]) -> list[tuple]:
    """Run ``(select) UNION ALL (select) ...`` (each from :func:`qualified_sql`) as one query."""
    if not selects:
        return []
    sql = " UNION ALL ".join(f"({select})" for select, _ in selects)
    params = tuple(param for _, part in selects for param in part)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
