"""The change history of a client's data, in the client's own schema (django-auditlog's entry,
swapped in through ``AUDITLOG_LOGENTRY_MODEL``).

Why a model of our own: the entry's actor is a user of the public schema. A foreign key
constraint from a client schema onto ``accounts_user`` would forbid truncating the users table
(Django's and pytest-django's ``flush``) while any client schema exists, so the reference is
kept without a database constraint. Users are never deleted, only disabled, so the reference
stays good; ``DO_NOTHING`` keeps Django from looking for entries in the public schema.
"""

from __future__ import annotations

from auditlog.models import AbstractLogEntry
from django.conf import settings
from django.db import models
from django.db.models.fields.json import KeyTransform


class LogEntry(AbstractLogEntry):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="actor",
    )

    class Meta(AbstractLogEntry.Meta):
        indexes = [
            # A line's and a script version's history are found by the key their entries
            # carry in ``additional_data`` (see bpo/catalog/audit.py): without these, every
            # history read scans the client's whole log.
            models.Index(
                KeyTransform("service_line", "additional_data"),
                name="audit_entry_service_line",
            ),
            models.Index(
                KeyTransform("script_version", "additional_data"),
                name="audit_entry_script_version",
            ),
        ]
