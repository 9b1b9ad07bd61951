"""Form helpers every app's pages share."""

from __future__ import annotations

from django import forms

from bpo.errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal next to the field it names (or above the form)."""
    placed = False
    for field, messages in (error.fields or {}).items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
