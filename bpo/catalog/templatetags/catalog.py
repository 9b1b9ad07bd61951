from django import template

register = template.Library()


@register.filter
def field_label(field_name: str) -> str:
    """``respond_within_minutes`` -> ``Respond within minutes`` (the history's field names)."""
    text = str(field_name).replace("_", " ")
    return text[:1].upper() + text[1:]
