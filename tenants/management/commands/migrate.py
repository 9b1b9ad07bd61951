"""``migrate`` is ``migrate_schemas`` (as in django-tenants), including the template."""

from tenants.management.commands.migrate_schemas import Command  # noqa: F401
