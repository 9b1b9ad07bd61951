"""The catalog's change history, kept by django-auditlog in the client's own schema.

Every catalog model is registered; a save or delete writes a ``LogEntry`` with the actor, the
time and each changed field's value before and after. Services run their writes inside
:func:`audit_actor` so the entry names who did it; child rows (hours, sections, tiers...)
record their service line in ``additional_data`` so a line's history includes them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet

from bpo.audit.models import LogEntry
from bpo.audit.services import audit_actor as audit_actor  # the app's writes name their actor
from bpo.audit.services import register_audited_models

ACTION_NAMES = {
    LogEntry.Action.CREATE: "created",
    LogEntry.Action.UPDATE: "updated",
    LogEntry.Action.DELETE: "deleted",
    LogEntry.Action.ACCESS: "accessed",
}


# The audited models, by the ``object_type`` name the history shows (the model's name).
OBJECT_TYPES = (
    "serviceline",
    "openinghours",
    "dateoverride",
    "script",
    "scriptversion",
    "scriptsection",
    "scriptvariable",
    "escalationpath",
    "escalationtier",
)


def register_models() -> None:
    register_audited_models("catalog", OBJECT_TYPES)


def history_queryset() -> QuerySet[LogEntry]:
    """Every catalog change, newest first."""
    return (
        LogEntry.objects.filter(content_type__app_label="catalog")
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")
    )


def of_service_line(service_line_id: int) -> Q:
    """Entries of the line itself and of everything that hangs off it (they name the line in
    ``additional_data``, which an expression index of ``bpo.audit.LogEntry`` covers)."""
    return Q(content_type__app_label="catalog", content_type__model="serviceline") & Q(
        object_id=service_line_id
    ) | Q(additional_data__service_line=service_line_id)


def history_of_service_line(service_line_id: int) -> QuerySet[LogEntry]:
    return history_queryset().filter(of_service_line(service_line_id))


def history_of_object(instance) -> QuerySet[LogEntry]:
    content_type = ContentType.objects.get_for_model(type(instance))
    return history_queryset().filter(content_type=content_type, object_id=instance.pk)


_EMPTY = (None, "", "None", "[]")


def _value(raw, field):
    """auditlog stores values as text; "None" and "" both mean there was nothing, and a
    date-time is written in UTC without its offset (it is given back aware, in UTC)."""
    if raw in _EMPTY:
        return None
    if isinstance(field, models.DateTimeField):
        try:
            return datetime.fromisoformat(raw).replace(tzinfo=UTC)
        except ValueError:
            return raw
    return raw


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def describe_entry(entry: LogEntry) -> dict:
    """One entry as plain data for pages and the API.

    A creation lists the values the object was created with, a deletion those it had; the id
    and empty values are left out, as they say nothing to a reader.
    """
    model = entry.content_type.model_class()
    changes = {}
    for field, values in (entry.changes_dict or {}).items():
        model_field = _model_field(model, field)
        before, after = _value(values[0], model_field), _value(values[1], model_field)
        if field == "id" or before == after:
            continue
        changes[field] = {"before": before, "after": after}
    return {
        "id": entry.pk,
        "timestamp": entry.timestamp,
        "actor": entry.actor.email if entry.actor else (entry.actor_email or None),
        "action": ACTION_NAMES.get(entry.action, str(entry.action)),
        "object_type": entry.content_type.model,
        "object_label": str(model._meta.verbose_name).capitalize() if model else "",
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "service_line": (entry.additional_data or {}).get("service_line"),
        "changes": changes,
    }


# --- the pages' activity feed ----------------------------------------------------------------

# Entries closer than this, by the same actor, belong to one change (one service call writes
# the line and its rows within one transaction, a few milliseconds apart).
_SAME_CHANGE_SECONDS = 2


def _in_words(value, field):
    """A stored value as a reader says it: a choice's label, yes/no, never a code; a date or
    a time as a date or time object, which the page shows in its one format (``|when``)."""
    if value is None or field is None:
        return value
    choices = getattr(field, "flatchoices", None)
    if choices:
        labels = {str(code): label for code, label in choices}
        return str(labels.get(str(value), value))
    if isinstance(field, models.BooleanField):
        return {"True": "yes", "False": "no"}.get(str(value), value)
    if isinstance(value, str):
        kind = (
            date
            if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
            else time
            if isinstance(field, models.TimeField)
            else None
        )
        if kind is not None:
            try:
                return kind.fromisoformat(value)
            except ValueError:
                return value
    return value


def feed_entry(entry: LogEntry) -> dict:
    """``describe_entry`` for a page: field names and values in words."""
    described = describe_entry(entry)
    model = entry.content_type.model_class()
    in_words = []
    for name, change in described["changes"].items():
        model_field = _model_field(model, name)
        label = name.replace("_", " ")
        in_words.append(
            {
                "field": label[:1].upper() + label[1:],
                "before": _in_words(change["before"], model_field),
                "after": _in_words(change["after"], model_field),
            }
        )
    described["changes_in_words"] = in_words
    return described


def group_feed(entries: list[dict]) -> list[dict]:
    """Consecutive entries (newest first) by one actor at one instant as one change:
    ``{"timestamp", "actor", "entries"}``."""
    groups: list[dict] = []
    for entry in entries:
        last = groups[-1] if groups else None
        if (
            last is not None
            and last["actor"] == entry["actor"]
            and abs((last["timestamp"] - entry["timestamp"]).total_seconds())
            <= _SAME_CHANGE_SECONDS
        ):
            last["entries"].append(entry)
            continue
        groups.append(
            {"timestamp": entry["timestamp"], "actor": entry["actor"], "entries": [entry]}
        )
    return groups
