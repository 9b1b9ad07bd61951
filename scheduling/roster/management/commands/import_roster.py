"""``python manage.py import_roster FILE [--dry-run]``: the roster page's import from a shell.

All or nothing: any problem stores nothing and prints every problem's row, column and reason.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scheduling.roster import services


class Command(BaseCommand):
    help = "Import agents from a roster CSV (columns in docs/roster.md), all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the CSV file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and show the changes; store nothing."
        )

    def handle(self, *args, file: str, dry_run: bool = False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        content = path.read_bytes()
        plan = services.plan_roster_import(content=content)
        if not plan.problems and not dry_run:
            try:
                plan = services.import_roster(content=content, actor=None)
            except services.RosterImportError as error:
                plan.problems = error.problems
        if plan.problems:
            for problem in plan.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(
                f"Nothing was imported: {len(plan.problems)} problem(s); first: {plan.problems[0]}"
            )
        for change in plan.changes:
            if change.action != "unchanged":
                what = f" ({', '.join(change.changed)})" if change.changed else ""
                self.stdout.write(f"  row {change.row}: {change.action} {change.full_name}{what}")
        counts = plan.counts
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {counts['new']} new, {counts['changed']} changed, "
                f"{counts['unchanged']} unchanged."
            )
        )
