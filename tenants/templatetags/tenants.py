"""Display helpers of the tenant registry's templates: ``{% load tenants %}``."""

from __future__ import annotations

from django import template

from tenants.forms import country_name as _country_name
from tenants.forms import currency_name as _currency_name
from tenants.models import ClientStatus, ExportReason

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    """``DE`` -> ``Germany``."""
    return _country_name(code or "")


@register.filter
def currency_name(code: str) -> str:
    """``EUR`` -> ``Euro``."""
    return _currency_name(code or "")


def _value_label(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if key == "status" and value in ClientStatus.values:
        return ClientStatus(value).label
    if key == "reason" and value in ExportReason.values:
        return ExportReason(value).label
    return str(value)


@register.filter
def event_changes(event) -> list[tuple[str, str, str]]:
    """An audit entry's changes as ``(what, before, after)`` rows."""
    before, after = event.before or {}, event.after or {}
    return [
        (
            key.replace("_", " "),
            _value_label(key, before.get(key)),
            _value_label(key, after.get(key)),
        )
        for key in sorted(set(before) | set(after))
    ]


@register.filter
def event_label(action: str) -> str:
    """``status_changed`` -> ``Status changed``."""
    return (action or "").replace("_", " ").capitalize()


@register.filter
def allowed_by(right: str, client_can: dict) -> bool:
    """``{% if item.url_right|allowed_by:client_can %}``: whether the user holds ``right``."""
    return bool((client_can or {}).get(right))
