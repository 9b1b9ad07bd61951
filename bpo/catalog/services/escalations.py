"""Writes of escalation paths and their tiers. Run them with the client's schema active.

Every service re-validates the whole path after the change (levels 1..n, respond-within not
decreasing, contacts reachable by their channel, a tier reachable whenever the line is open)
and refuses with one :class:`DomainError` carrying every message. Field names follow the
input: ``tiers.<index>.<field>`` for a tier of a tier set, ``<field>`` for the one tier of a
single-tier call and ``tiers`` for what concerns the path as a whole.

Managers (``Action.MANAGE_CATALOG``) change everything; client admins
(``Action.EDIT_ESCALATION_CONTACTS`` only) change only the contact fields of existing tiers.
Writes run inside :func:`audit_actor`, so the history names who made them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, models, transaction

from bpo.accounts.permissions import ROLE_REFUSAL, can
from bpo.accounts.roles import Action
from bpo.catalog import hours as hours_module
from bpo.catalog import resolver
from bpo.catalog.audit import audit_actor
from bpo.catalog.models import (
    CONTACT_FIELDS,
    TIER_FIELDS,
    ContactChannel,
    Coverage,
    EscalationPath,
    EscalationTier,
    ServiceLine,
    TriggerKind,
)
from bpo.catalog.selectors.service_lines import weekly_hours_of
from bpo.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError

TIER_DEFAULTS: dict[str, Any] = {
    "category": "",
    "min_severity": None,
    "unresolved_minutes": None,
    "phone": "",
    "email": "",
    "coverage": Coverage.ALWAYS,
}


def _max_length(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.max_length is not None
    return field.max_length


# Lengths come from the columns (the forms and serializers read them here), so a value the
# service accepts always fits.
NAME_MAX_LENGTH = _max_length(EscalationPath, "name")
TEXT_MAX_LENGTHS = {
    field: _max_length(EscalationTier, field)
    for field in ("category", "contact_name", "contact_role", "email")
}
# A business ceiling for minutes (respond within, unresolved after): far below the column's
# limit, so no number a caller sends can overflow it.
MAX_MINUTES = 7 * 24 * 60
MAX_TIERS = 20


@dataclass(frozen=True)
class TierError:
    index: int | None  # the tier's position in the input; None: the path as a whole
    field: str
    message: str
    other_index: int | None = None  # the other tier a pairwise rule compared with


# --- validation -------------------------------------------------------------------------------


def normalize_phone(value: str, *, region: str | None) -> str:
    """``value`` as E.164 (``+14155550100``), read with the client's country as default region;
    ``ValueError`` when it is not a valid number."""
    try:
        number = phonenumbers.parse(value, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        raise ValueError(value) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _whole_number(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    return int(value)


def clean_tier(raw: Mapping[str, Any], *, region: str | None) -> tuple[dict, list[tuple[str, str]]]:
    """One tier's values, normalized, and its own errors as ``(field, message)``."""
    errors: list[tuple[str, str]] = []
    values: dict[str, Any] = {**TIER_DEFAULTS, **{k: raw[k] for k in TIER_FIELDS if k in raw}}

    for field in ("level", "min_severity", "unresolved_minutes", "respond_within_minutes"):
        try:
            values[field] = _whole_number(values.get(field))
        except (TypeError, ValueError):
            errors.append((field, "Enter a whole number."))
            values[field] = None
    for field in ("trigger_kind", "category", "contact_name", "contact_role", "channel"):
        values[field] = _text(values.get(field))
    values["coverage"] = _text(values.get("coverage"))

    level = values["level"]
    if level is None and not any(field == "level" for field, _ in errors):
        errors.append(("level", "Level is required."))
    elif level is not None and level < 1:
        errors.append(("level", "Level must be 1 or more."))

    if values["trigger_kind"] not in TriggerKind.values:
        errors.append(("trigger_kind", "Choose a trigger: “severity” or “unresolved”."))
    if values["min_severity"] is not None and values["min_severity"] not in range(1, 5):
        errors.append(("min_severity", "Minimum severity must be 1 (low) to 4 (critical)."))
    if len(values["category"]) > TEXT_MAX_LENGTHS["category"]:
        errors.append(
            ("category", f"Category is longer than {TEXT_MAX_LENGTHS['category']} characters.")
        )

    if values["trigger_kind"] == TriggerKind.SEVERITY:
        if values["min_severity"] is None and not _has(errors, "min_severity"):
            errors.append(("min_severity", "A severity trigger needs a minimum severity."))
        if values["unresolved_minutes"] is not None:
            errors.append(
                (
                    "unresolved_minutes",
                    "A severity trigger takes no time without resolution; leave it empty.",
                )
            )
    elif values["trigger_kind"] == TriggerKind.UNRESOLVED:
        minutes = values["unresolved_minutes"]
        if minutes is None and not _has(errors, "unresolved_minutes"):
            errors.append(
                ("unresolved_minutes", "A time trigger needs the minutes without resolution.")
            )
        elif minutes is not None and minutes < 1:
            errors.append(("unresolved_minutes", "Minutes without resolution must be at least 1."))
        elif minutes is not None and minutes > MAX_MINUTES:
            errors.append(
                ("unresolved_minutes", f"Minutes without resolution {_at_most_minutes()}")
            )
        if values["min_severity"] is not None:
            errors.append(
                ("min_severity", "A time trigger takes no minimum severity; leave it empty.")
            )
        if values["category"]:
            errors.append(("category", "A time trigger takes no category; leave it empty."))

    for field, label in (("contact_name", "Contact name"), ("contact_role", "Contact role")):
        if not values[field]:
            errors.append((field, f"{label} is required."))
        elif len(values[field]) > TEXT_MAX_LENGTHS[field]:
            errors.append((field, f"{label} is longer than {TEXT_MAX_LENGTHS[field]} characters."))

    phone_ok = email_ok = True
    phone = _text(values.get("phone"))
    if phone:
        try:
            phone = normalize_phone(phone, region=region)
        except ValueError:
            errors.append(("phone", f"“{phone}” is not a valid phone number."))
            phone_ok = False
    values["phone"] = phone
    email = _text(values.get("email"))
    if len(email) > TEXT_MAX_LENGTHS["email"]:
        errors.append(("email", f"E-mail is longer than {TEXT_MAX_LENGTHS['email']} characters."))
        email_ok = False
    elif email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(("email", f"“{email}” is not a valid e-mail address."))
            email_ok = False
    values["email"] = email

    channel = values["channel"]
    if channel not in ContactChannel.values:
        errors.append(("channel", "Choose a channel: phone, email, chat or pager."))
    elif channel in (ContactChannel.PHONE, ContactChannel.PAGER) and not phone and phone_ok:
        errors.append(("phone", f"A {channel} contact needs a phone number."))
    elif channel == ContactChannel.EMAIL and not email and email_ok:
        errors.append(("email", "An e-mail contact needs an e-mail address."))
    elif channel == ContactChannel.CHAT and not phone and not email and phone_ok and email_ok:
        errors.append(("channel", "A chat contact needs a phone number or an e-mail address."))

    respond = values["respond_within_minutes"]
    if respond is None and not _has(errors, "respond_within_minutes"):
        errors.append(("respond_within_minutes", "Respond within is required."))
    elif respond is not None and respond < 1:
        errors.append(("respond_within_minutes", "Respond within must be at least 1 minute."))
    elif respond is not None and respond > MAX_MINUTES:
        errors.append(("respond_within_minutes", f"Respond within {_at_most_minutes()}"))

    if values["coverage"] not in Coverage.values:
        errors.append(
            ("coverage", "Choose a coverage: business hours, after hours, or business and after.")
        )
    return values, errors


def _at_most_minutes() -> str:
    return f"must be at most {MAX_MINUTES} minutes ({MAX_MINUTES // (24 * 60)} days)."


def _has(errors: Iterable[tuple[str, str]], field: str) -> bool:
    return any(name == field for name, _ in errors)


def validate_tiers(
    raw_tiers: Sequence[Mapping[str, Any]],
    *,
    line_name: str,
    hours: hours_module.WeeklyHours,
    region: str | None,
) -> tuple[list[dict], list[TierError]]:
    """The tiers' values (normalized) and every error of the tiers and of the path."""
    cleaned: list[dict] = []
    errors: list[TierError] = []
    for index, raw in enumerate(raw_tiers):
        values, tier_errors = clean_tier(raw, region=region)
        cleaned.append(values)
        errors.extend(TierError(index, field, message) for field, message in tier_errors)

    if not cleaned:
        errors.append(TierError(None, "tiers", "An escalation path needs at least one tier."))
        return cleaned, errors
    if len(cleaned) > MAX_TIERS:
        errors.append(
            TierError(None, "tiers", f"An escalation path has at most {MAX_TIERS} tiers.")
        )

    levels = [values["level"] for values in cleaned if values["level"] and values["level"] >= 1]
    counts = Counter(levels)
    for level in sorted(level for level, count in counts.items() if count > 1):
        errors.append(
            TierError(
                None,
                "tiers",
                f"Tier levels must run 1, 2, 3 … without gaps; level {level} is used twice.",
            )
        )
    if levels:
        missing = next((n for n in range(1, max(levels) + 1) if n not in counts), None)
        if missing is not None:
            errors.append(
                TierError(
                    None,
                    "tiers",
                    f"Tier levels must run 1, 2, 3 … without gaps; level {missing} is missing.",
                )
            )

    # Respond-within may not shrink as an issue climbs: compare each tier with the one below.
    by_level = sorted(
        (
            (values["level"], index)
            for index, values in enumerate(cleaned)
            # A value with its own error (below 1, above the ceiling) is compared with nothing.
            if values["level"] and 1 <= (values["respond_within_minutes"] or 0) <= MAX_MINUTES
        ),
    )
    for (lower_level, lower), (higher_level, higher) in pairwise(by_level):
        lower_minutes = cleaned[lower]["respond_within_minutes"]
        if higher_level > lower_level and cleaned[higher]["respond_within_minutes"] < lower_minutes:
            errors.append(
                TierError(
                    higher,
                    "respond_within_minutes",
                    f"Tier {higher_level} must allow at least as long to respond as tier "
                    f"{lower_level} ({lower_minutes} minutes).",
                    other_index=lower,
                )
            )

    errors.extend(_reachability_errors(cleaned, line_name=line_name, hours=hours))
    return cleaned, errors


def _reachability_errors(
    cleaned: Sequence[dict], *, line_name: str, hours: hours_module.WeeklyHours
) -> list[TierError]:
    errors: list[TierError] = []
    coverages = [values["coverage"] for values in cleaned]
    if any(coverage not in Coverage.values for coverage in coverages):
        return errors  # the tier's own error says so; reachability needs known coverages
    if resolver.is_never_open(hours):
        if not any(c in (Coverage.AFTER_HOURS, Coverage.ALWAYS) for c in coverages):
            errors.append(
                TierError(
                    None,
                    "tiers",
                    f"“{line_name}” has no opening hours, so every hour is after hours: at least "
                    "one tier must cover after hours.",
                )
            )
        for index, values in enumerate(cleaned):
            if values["coverage"] == Coverage.BUSINESS_HOURS:
                errors.append(
                    TierError(
                        index,
                        "coverage",
                        f"Tier {values['level']} covers business hours only, but “{line_name}” "
                        "has no opening hours: it could never be reached.",
                    )
                )
        return errors
    if not any(c in (Coverage.BUSINESS_HOURS, Coverage.ALWAYS) for c in coverages):
        errors.append(
            TierError(
                None,
                "tiers",
                f"No tier is reachable while “{line_name}” is open: at least one tier must "
                "cover business hours.",
            )
        )
    if resolver.is_always_open(hours):
        for index, values in enumerate(cleaned):
            if values["coverage"] == Coverage.AFTER_HOURS:
                errors.append(
                    TierError(
                        index,
                        "coverage",
                        f"Tier {values['level']} covers after hours only, but “{line_name}” is "
                        "open around the clock: it could never be reached.",
                    )
                )
    return errors


def _raise_for_tier_set(
    errors: Sequence[TierError], *, path_errors: Mapping[str, list[str]] | None = None
) -> None:
    """Errors of a tier set: ``tiers.<index>.<field>``, or ``tiers`` for the path; the path's
    own fields' errors (``name``) first."""
    fields: dict[str, list[str]] = {
        key: list(messages) for key, messages in (path_errors or {}).items()
    }
    for error in errors:
        key = "tiers" if error.index is None else f"tiers.{error.index}.{error.field}"
        fields.setdefault(key, []).append(error.message)
    if fields:
        raise DomainError(next(iter(fields.values()))[0], fields=fields)


def _raise_for_one_tier(errors: Sequence[TierError], *, target: int | None) -> None:
    """Errors of a single-tier call: the tier's own ``<field>``; others' under ``tiers``."""
    if not errors:
        return
    fields: dict[str, list[str]] = {}
    ordered = sorted(errors, key=lambda e: target is None or target not in (e.index, e.other_index))
    for error in ordered:
        is_target = target is not None and target in (error.index, error.other_index)
        key = error.field if is_target else "tiers"
        fields.setdefault(key, []).append(error.message)
    raise DomainError(ordered[0].message, fields=fields)


# --- helpers ------------------------------------------------------------------------------------


def _require(actor, client, action: str) -> None:
    if not can(actor, client, action):
        raise PermissionDeniedError(ROLE_REFUSAL)


def _tier_values(tier: EscalationTier) -> dict[str, Any]:
    return {field: getattr(tier, field) for field in TIER_FIELDS}


def _validate(
    raw_tiers: Sequence[Mapping[str, Any]], *, service_line: ServiceLine, client
) -> tuple[list[dict], list[TierError]]:
    return validate_tiers(
        raw_tiers,
        line_name=service_line.name,
        hours=weekly_hours_of(service_line=service_line, client=client),
        region=client.country,
    )


def _locked_path(path: EscalationPath) -> tuple[EscalationPath, list[EscalationTier]]:
    """The path row locked (one writer at a time per path) and its tiers, by level."""
    locked = (
        EscalationPath.objects.select_for_update().select_related("service_line").get(pk=path.pk)
    )
    tiers = list(EscalationTier.objects.select_for_update().filter(path=locked).order_by("level"))
    for tier in tiers:
        tier.path = locked  # the audit entry reads path.service_line_id; no query per tier
    return locked, tiers


def _apply(tier: EscalationTier, values: Mapping[str, Any]) -> None:
    changed = [field for field in TIER_FIELDS if getattr(tier, field) != values[field]]
    for field in changed:
        setattr(tier, field, values[field])
    if changed:
        tier.save(update_fields=changed)


def _create(path: EscalationPath, values: Mapping[str, Any]) -> EscalationTier:
    tier = EscalationTier(path=path, **{field: values[field] for field in TIER_FIELDS})
    tier.save()
    return tier


def _check_levels_now() -> None:
    """Check the deferred level constraint at this point, then defer it again.

    The constraint is deferred so a reordering can swap levels; checking it before the
    service returns turns a violation into an error here rather than at a later commit.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS escalation_tier_level IMMEDIATE")
        cursor.execute("SET CONSTRAINTS escalation_tier_level DEFERRED")


def _clean_path_fields(
    *, name: str | None, notes: str | None
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The path's own values (``None`` left out) and their errors as ``{field: [messages]}``."""
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    if name is not None:
        name = name.strip()
        if not name:
            errors["name"] = ["Name is required."]
        elif len(name) > NAME_MAX_LENGTH:
            errors["name"] = [f"Name is longer than {NAME_MAX_LENGTH} characters."]
        values["name"] = name
    if notes is not None:
        values["notes"] = notes.strip()
    return values, errors


def _apply_path_fields(
    path: EscalationPath, values: Mapping[str, str], *, touch: bool = False
) -> None:
    """Save the changed values; with ``touch`` save ``updated_at`` even when none changed."""
    changed = [field for field, value in values.items() if getattr(path, field) != value]
    for field in changed:
        setattr(path, field, values[field])
    if changed or touch:
        path.save(update_fields=[*changed, "updated_at"])


def _id_errors(
    items: Sequence[Mapping[str, Any]], *, by_id: Mapping[int, EscalationTier], new_allowed: bool
) -> tuple[list[TierError], set[int]]:
    """Errors of the items' ``id`` (not a tier of this path, or given twice) and the ids seen.
    With ``new_allowed`` an item without ``id`` is a new tier; otherwise it is an error."""
    errors: list[TierError] = []
    seen: set[int] = set()
    for index, item in enumerate(items):
        tier_id: Any = item.get("id")
        if tier_id is None and new_allowed:
            continue
        if tier_id not in by_id:
            errors.append(
                TierError(index, "id", f"No tier with id {tier_id} on this escalation path.")
            )
        elif tier_id in seen:
            errors.append(TierError(index, "id", f"Tier id {tier_id} appears twice."))
        else:
            seen.add(tier_id)
    return errors, seen


def _replace_tiers(
    path: EscalationPath,
    *,
    existing: Sequence[EscalationTier],
    tiers: Sequence[Mapping[str, Any]],
    cleaned: Sequence[Mapping[str, Any]],
    kept: set[int],
) -> list[EscalationTier]:
    """Write a validated tier set (inside ``audit_actor``): delete, update, create."""
    by_id = {tier.pk: tier for tier in existing}
    for tier in existing:
        if tier.pk not in kept:
            tier.delete()
    saved = []
    for raw, values in zip(tiers, cleaned, strict=True):
        tier_id = raw.get("id")
        if tier_id is None:
            saved.append(_create(path, values))
        else:
            _apply(by_id[tier_id], values)
            saved.append(by_id[tier_id])
    _check_levels_now()
    return sorted(saved, key=lambda tier: tier.level)


# --- paths --------------------------------------------------------------------------------------


@transaction.atomic
def create_escalation_path(
    *,
    service_line: ServiceLine,
    name: str,
    notes: str = "",
    tiers: Sequence[Mapping[str, Any]],
    actor,
    client,
) -> EscalationPath:
    """The line's escalation path with its tiers (a line has one path; a second is a conflict)."""
    _require(actor, client, Action.MANAGE_CATALOG)
    line = ServiceLine.objects.select_for_update().get(pk=service_line.pk)
    if EscalationPath.objects.filter(service_line=line).exists():
        raise ConflictError(f"“{line.name}” has an escalation path already.", field="service_line")
    path_values, path_errors = _clean_path_fields(name=name, notes=notes)
    cleaned, errors = _validate(tiers, service_line=line, client=client)
    _raise_for_tier_set(errors, path_errors=path_errors)
    with audit_actor(actor):
        # The line is locked and has no path: the one-path-per-line constraint cannot fail.
        path = EscalationPath(service_line=line, **path_values)
        path.save()
        for values in sorted(cleaned, key=lambda v: v["level"]):
            _create(path, values)
        _check_levels_now()
    return path


@transaction.atomic
def update_escalation_path(
    *,
    path: EscalationPath,
    name: str | None = None,
    notes: str | None = None,
    actor,
    client,
) -> EscalationPath:
    """Rename the path or change its notes (``None`` leaves a value as it is)."""
    _require(actor, client, Action.MANAGE_CATALOG)
    path, _ = _locked_path(path)
    values, errors = _clean_path_fields(name=name, notes=notes)
    _raise_for_tier_set([], path_errors=errors)
    with audit_actor(actor):
        _apply_path_fields(path, values)
    return path


@transaction.atomic
def save_escalation_path(
    *,
    path: EscalationPath,
    name: str,
    notes: str,
    tiers: Sequence[Mapping[str, Any]],
    actor,
    client,
) -> EscalationPath:
    """The path's name, notes and whole tier set at once (as :func:`update_escalation_path`
    and :func:`save_escalation_tiers` together): every error of both in one refusal, and
    nothing changed unless all of it is saved."""
    _require(actor, client, Action.MANAGE_CATALOG)
    path, existing = _locked_path(path)
    path_values, path_errors = _clean_path_fields(name=name, notes=notes)
    id_errors, kept = _id_errors(tiers, by_id={t.pk: t for t in existing}, new_allowed=True)
    cleaned, errors = _validate(tiers, service_line=path.service_line, client=client)
    _raise_for_tier_set(id_errors + errors, path_errors=path_errors)
    with audit_actor(actor):
        _replace_tiers(path, existing=existing, tiers=tiers, cleaned=cleaned, kept=kept)
        _apply_path_fields(path, path_values, touch=True)
    return path


# --- tiers --------------------------------------------------------------------------------------


@transaction.atomic
def save_escalation_tiers(
    *, path: EscalationPath, tiers: Sequence[Mapping[str, Any]], actor, client
) -> list[EscalationTier]:
    """Replace the path's whole ordered tier set: rows with an ``id`` are updated, rows without
    are created, tiers left out are deleted. Levels may be swapped (the constraint is
    deferred)."""
    _require(actor, client, Action.MANAGE_CATALOG)
    path, existing = _locked_path(path)
    id_errors, kept = _id_errors(tiers, by_id={t.pk: t for t in existing}, new_allowed=True)
    cleaned, errors = _validate(tiers, service_line=path.service_line, client=client)
    _raise_for_tier_set(id_errors + errors)
    with audit_actor(actor):
        saved = _replace_tiers(path, existing=existing, tiers=tiers, cleaned=cleaned, kept=kept)
        path.save(update_fields=["updated_at"])
    return saved


@transaction.atomic
def add_escalation_tier(
    *, path: EscalationPath, tier: Mapping[str, Any], actor, client
) -> EscalationTier:
    """Add one tier. Its level defaults to the next free one; a level already taken inserts
    the tier there and moves the tiers from that level up by one."""
    _require(actor, client, Action.MANAGE_CATALOG)
    path, existing = _locked_path(path)
    new = dict(tier)
    if new.get("level") in (None, ""):
        new["level"] = len(existing) + 1
    try:
        insert_at = int(new["level"])
    except (TypeError, ValueError):
        insert_at = len(existing) + 1
    shifted = [
        {**_tier_values(t), "level": t.level + 1 if t.level >= insert_at else t.level}
        for t in existing
    ]
    target = len(shifted)
    cleaned, errors = _validate([*shifted, new], service_line=path.service_line, client=client)
    _raise_for_one_tier(errors, target=target)
    with audit_actor(actor):
        for row, values in zip(existing, cleaned, strict=False):
            _apply(row, values)
        created = _create(path, cleaned[target])
        _check_levels_now()
    return created


@transaction.atomic
def update_escalation_tier(
    *, tier: EscalationTier, changes: Mapping[str, Any], actor, client
) -> EscalationTier:
    """Change some fields of one tier. Client admins may change only its contact fields
    (``CONTACT_FIELDS``); any other change by them is refused naming the field."""
    unknown = [field for field in changes if field not in TIER_FIELDS]
    if unknown:
        raise DomainError(f"Unknown tier field “{unknown[0]}”.", field=unknown[0])
    # Every role that manages the catalog also edits contacts; the rest is checked per field.
    _require(actor, client, Action.EDIT_ESCALATION_CONTACTS)
    path, existing = _locked_path(tier.path)
    current = next((row for row in existing if row.pk == tier.pk), None)
    if current is None:
        raise NotFoundError("This tier no longer exists.", field="tier")
    if not can(actor, client, Action.MANAGE_CATALOG):
        _refuse_structural_changes(current, changes)
    raws = [
        {**_tier_values(row), **changes} if row.pk == current.pk else _tier_values(row)
        for row in existing
    ]
    target = existing.index(current)
    cleaned, errors = _validate(raws, service_line=path.service_line, client=client)
    _raise_for_one_tier(errors, target=target)
    with audit_actor(actor):
        _apply(current, cleaned[target])
    return current


def _refuse_structural_changes(tier: EscalationTier, changes: Mapping[str, Any]) -> None:
    for field, value in changes.items():
        if field in CONTACT_FIELDS:
            continue
        before = getattr(tier, field)
        same = _text(value) == _text(before) if isinstance(before, str) else value == before
        if not same:
            raise PermissionDeniedError(
                f"Your role may change only a tier's contact fields "
                f"({', '.join(CONTACT_FIELDS)}), not “{field}”.",
                field=field,
            )


@transaction.atomic
def update_escalation_contacts(
    *, path: EscalationPath, contacts: Sequence[Mapping[str, Any]], actor, client
) -> list[EscalationTier]:
    """Change the contact fields of several tiers at once (each item: ``id`` and contact
    fields). For client admins and managers; errors are named ``tiers.<index>.<field>`` by
    the item's position."""
    _require(actor, client, Action.EDIT_ESCALATION_CONTACTS)
    path, existing = _locked_path(path)
    by_id = {row.pk: row for row in existing}
    for index, item in enumerate(contacts):
        for field in item:
            if field != "id" and field not in CONTACT_FIELDS:
                raise PermissionDeniedError(
                    f"Your role may change only a tier's contact fields "
                    f"({', '.join(CONTACT_FIELDS)}), not “{field}”.",
                    field=f"tiers.{index}.{field}",
                )
    input_errors, _ = _id_errors(contacts, by_id=by_id, new_allowed=False)
    changes_by_id: dict[int, dict[str, Any]] = {
        item["id"]: {k: v for k, v in item.items() if k != "id"}
        for item in contacts
        if item.get("id") in by_id
    }
    position = {item["id"]: index for index, item in enumerate(contacts) if item.get("id")}
    raws = [{**_tier_values(row), **changes_by_id.get(row.pk, {})} for row in existing]
    cleaned, errors = _validate(raws, service_line=path.service_line, client=client)
    # Report a tier's error at its position in the caller's list; the rest concern the path.
    placed = []
    for error in errors:
        tier_id = existing[error.index].pk if error.index is not None else None
        if tier_id in position:
            placed.append(TierError(position[tier_id], error.field, error.message))
        else:
            placed.append(TierError(None, "tiers", error.message))
    errors = placed
    _raise_for_tier_set(input_errors + errors)
    with audit_actor(actor):
        for row, values in zip(existing, cleaned, strict=True):
            _apply(row, values)
    return existing


@transaction.atomic
def remove_escalation_tier(*, tier: EscalationTier, actor, client) -> None:
    """Delete one tier; the tiers above it move down one level, so levels stay 1..n."""
    _require(actor, client, Action.MANAGE_CATALOG)
    path, existing = _locked_path(tier.path)
    current = next((row for row in existing if row.pk == tier.pk), None)
    if current is None:
        return
    remaining = [row for row in existing if row.pk != current.pk]
    raws = [
        {**_tier_values(row), "level": row.level - 1 if row.level > current.level else row.level}
        for row in remaining
    ]
    cleaned, errors = _validate(raws, service_line=path.service_line, client=client)
    _raise_for_one_tier(errors, target=None)
    with audit_actor(actor):
        current.delete()
        for row, values in zip(remaining, cleaned, strict=True):
            _apply(row, values)
        _check_levels_now()
