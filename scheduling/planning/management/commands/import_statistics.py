"""``python manage.py import_statistics --client SLUG --service-line LINE FILE [--format ...]``:
the page's import from a shell (check, then commit when nothing is wrong), printing what it
stored or every problem found."""

from __future__ import annotations

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from bpo.catalog.models import ServiceLine
from bpo.errors import DomainError
from scheduling.planning.importing.presets import PRESETS
from scheduling.planning.models import ImportSource, ImportStatus
from scheduling.planning.services import statistics_import as services


class Command(BaseCommand):
    help = "Import contact statistics from an interval export (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV export.")
        parser.add_argument("--client", required=True, help="The client's slug.")
        parser.add_argument(
            "--service-line",
            default="",
            help="The line every row goes to (name or id); without it, each row's queue "
            "names its line.",
        )
        parser.add_argument("--format", default="neutral", choices=sorted(PRESETS))
        parser.add_argument("--time-zone", default="", help="Default: the client's zone.")
        parser.add_argument("--duration-unit", default="", choices=["", "seconds", "milliseconds"])
        parser.add_argument(
            "--queue", action="append", default=[], help="'Queue name=Service line', repeatable."
        )
        parser.add_argument("--check-only", action="store_true", help="Preview; store nothing.")

    def handle(self, *args, **options):
        from tenants.models import Client

        client = Client.objects.filter(slug=options["client"]).first()
        if client is None:
            raise CommandError(f"No client '{options['client']}'.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        with tenant_context(client):
            line = None
            if options["service_line"]:
                key = options["service_line"].strip()
                query = ServiceLine.objects.filter(name__iexact=key)
                if key.isdigit():
                    query = ServiceLine.objects.filter(pk=int(key)) | query
                line = query.first()
                if line is None:
                    raise CommandError(f"{client.name} has no service line '{key}'.")
            try:
                mapping = services.parse_queue_mapping("\n".join(options["queue"]))
                with path.open("rb") as handle:
                    record = services.start_statistics_import(
                        actor=None,
                        file=File(handle, name=path.name),
                        file_name=path.name,
                        format=options["format"],
                        time_zone=options["time_zone"] or client.time_zone,
                        service_line=line,
                        queue_mapping=mapping,
                        duration_unit=options["duration_unit"] or None,
                        source=ImportSource.COMMAND,
                        in_background=False,
                    )
                if record.can_be_committed and not options["check_only"]:
                    record = services.commit_statistics_import(
                        statistics_import=record, actor=None, in_background=False
                    )
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self._report(record)
            if record.status not in (ImportStatus.COMMITTED, ImportStatus.PREVIEW) or (
                record.error_count
            ):
                raise CommandError(f"Nothing was stored: {record.error_count} problems.")

    def _report(self, record) -> None:
        for entry in record.column_mapping:
            target = entry["field"] or "(not stored)"
            note = f"  [{entry['note']}]" if entry["note"] else ""
            self.stdout.write(f"  column {entry['column']!r} -> {target}{note}")
        for error in record.errors:
            where = f"row {error['row']}, column {error['column']}: " if error["row"] else ""
            self.stdout.write(f"  {where}{error['message']}")
        if record.error_count > len(record.errors):
            self.stdout.write(f"  ... and {record.error_count - len(record.errors)} more")
        for warning in record.warnings:
            self.stdout.write(f"  warning: {warning}")
        if record.status == ImportStatus.COMMITTED:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Stored {record.inserted_count + record.replaced_count} intervals "
                    f"({record.inserted_count} new, {record.replaced_count} replaced) from "
                    f"{record.row_count} rows, {record.replaced_from:%Y-%m-%d %H:%M}Z to "
                    f"{record.replaced_until:%Y-%m-%d %H:%M}Z (import {record.pk})."
                )
            )
        else:
            self.stdout.write(
                f"Checked {record.row_count} rows: {record.error_count} problems; nothing stored."
            )
