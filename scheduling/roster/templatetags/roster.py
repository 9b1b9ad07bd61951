"""The roster's navigation entries and display helpers."""

from __future__ import annotations

from decimal import Decimal

from django import template

from bpo.accounts.permissions import (
    can_manage_roster,
    can_request_time_off,
    can_view_roster,
    provider_roles,
)
from bpo.accounts.roles import APPROVE_SWAPS, OWN_WEEK

register = template.Library()


@register.inclusion_tag("roster/_nav.html", takes_context=True)
def roster_nav(context) -> dict:
    """Roster, Time off (schedulers) and My time off (agents), for the roles that use them."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_view_roster": can_view_roster(user),
        "can_manage_roster": can_manage_roster(user),
        "can_request_time_off": can_request_time_off(user),
        **_week_nav(user),
        "worked_nav": worked_nav(context),
    }


def _week_nav(user) -> dict:
    """My week (agents), Swaps and Team week (schedulers)."""
    roles = provider_roles(user)
    is_manager = can_manage_roster(user)
    return {
        "has_own_week": bool(roles & OWN_WEEK),
        "can_approve_swaps": bool(roles & APPROVE_SWAPS),
        # Team leads find their team's week on My week (no query here on every page).
        "leads_team": is_manager,
    }


@register.filter
def days(value) -> str:
    """``Decimal('2.0')`` -> "2 days", ``1`` -> "1 day"."""
    if value is None:
        return "—"
    number = Decimal(value).normalize()
    text = f"{number:f}"
    return f"{text} day" if number == 1 else f"{text} days"


@register.filter
def percent(value) -> str:
    """A share (0.875) as "87.5 %" with one decimal; "—" when there is none."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}\u00a0%"


@register.filter
def hours(minutes) -> str:
    """Minutes as hours and minutes, ``450`` -> "7:30"."""
    if minutes is None or minutes == "":
        return "—"
    minutes = int(minutes)
    return f"{minutes // 60}:{minutes % 60:02d}"


def worked_nav(context) -> dict:
    """Whether the signed-in user sees Worked time and Locks in the navigation."""
    from bpo.accounts.permissions import (
        can_lock_periods,
        can_manage_worked_time,
        can_view_worked_time,
    )

    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {}
    return {
        "worked": can_view_worked_time(user),
        "locks": can_lock_periods(user) or can_manage_worked_time(user),
    }
