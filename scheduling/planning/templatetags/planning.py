"""Template filters of the planning pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value, digits: int = 1) -> str:
    """A fraction as a percentage in words: 0.1234 -> "12.3 %"; nothing -> "—"."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f} %"


@register.filter
def signed_percent(value, digits: int = 1) -> str:
    """A signed fraction: 0.05 -> "+5.0 %" (over-forecast), -0.05 -> "-5.0 %" (a minus sign)."""
    if value is None or value == "":
        return "—"
    number = float(value) * 100
    sign = "+" if number > 0 else ("\u2212" if number < 0 else "")
    return f"{sign}{abs(number):.{int(digits)}f} %"


@register.filter
def number(value, digits: int = 0) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):,.{int(digits)}f}"


@register.filter
def requirement_model(value) -> str:
    """The requirement model's name in words: "erlang_c" -> "Erlang C"."""
    from scheduling.planning.models import RequirementModel

    try:
        return str(RequirementModel(value).label)
    except ValueError:
        return str(value)
