"""``migrate_schemas`` that also keeps the provisioning template current.

After the public schema and every client schema are migrated, the template schema is migrated
and its DDL snapshot refreshed (see ``tenants.provisioning``). With more than a few clients the
client schemas are migrated in parallel processes unless ``--executor`` says otherwise.
"""

from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from tenants import provisioning

PARALLEL_FROM_CLIENTS = 4


class Command(MigrateSchemasCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--skip-template",
            action="store_true",
            dest="skip_template",
            help="Do not migrate the provisioning template schema afterwards.",
        )

    def handle(self, *args, **options):
        if (
            not options.get("executor")
            and not options.get("schema_name")
            and _client_count() >= PARALLEL_FROM_CLIENTS
        ):
            options["executor"] = "multiprocessing"
        super().handle(*args, **options)
        migrating_all_tenants = not options.get("schema_name") and not options.get("shared")
        if migrating_all_tenants and not options.get("skip_template"):
            provisioning.migrate_template(verbosity=max(0, int(options.get("verbosity", 1)) - 1))


def _client_count() -> int:
    from django.db import connection

    from tenants.models import Client

    if Client._meta.db_table not in connection.introspection.table_names():
        return 0  # first migration of a new database
    return Client.objects.exclude(schema_name="public").count()
