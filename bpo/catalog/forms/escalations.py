"""Forms of the escalation pages. They only read input; the rules are the services', whose
errors are put back next to the field they name (``tiers.<index>.<field>``) or on top."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.forms import formset_factory

from bpo.catalog import hours
from bpo.catalog.models import (
    CONTACT_FIELDS,
    ContactChannel,
    Coverage,
    Severity,
    TriggerKind,
)
from bpo.catalog.services.escalations import MAX_TIERS, NAME_MAX_LENGTH
from bpo.errors import DomainError
from bpo.instants import EARLIEST, LATEST

SEVERITY_CHOICES = [("", "—"), *Severity.choices]
TIER_ERROR_KEY = re.compile(r"^tiers\.(?P<index>\d+)\.(?P<field>\w+)$")


class EscalationPathForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX_LENGTH, required=False)
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything the person escalating should know.",
    )


class EscalationTierForm(forms.Form):
    # Fields are optional here: the service says what is missing, with its own words.
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    level = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"min": 1}))
    trigger_kind = forms.ChoiceField(label="Trigger", choices=TriggerKind.choices)
    category = forms.CharField(required=False)
    min_severity = forms.TypedChoiceField(
        label="Minimum severity",
        choices=SEVERITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    unresolved_minutes = forms.IntegerField(
        label="Unresolved after (minutes)",
        required=False,
        widget=forms.NumberInput(attrs={"min": 1}),
    )
    contact_name = forms.CharField(label="Contact name", required=False)
    contact_role = forms.CharField(label="Contact role", required=False)
    channel = forms.ChoiceField(choices=ContactChannel.choices)
    phone = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    email = forms.CharField(label="E-mail", required=False)
    respond_within_minutes = forms.IntegerField(
        label="Respond within (minutes)",
        required=False,
        widget=forms.NumberInput(attrs={"min": 1}),
    )
    coverage = forms.ChoiceField(choices=Coverage.choices, initial=Coverage.ALWAYS)

    def tier_values(self) -> dict:
        values = {k: v for k, v in self.cleaned_data.items() if k not in ("DELETE",)}
        if values.get("id") is None:
            values.pop("id", None)
        return values


class EscalationContactForm(forms.Form):
    """The contact fields of one tier (what a client admin may change)."""

    id = forms.IntegerField(widget=forms.HiddenInput)
    contact_name = forms.CharField(label="Contact name", required=False)
    contact_role = forms.CharField(label="Contact role", required=False)
    channel = forms.ChoiceField(choices=ContactChannel.choices)
    phone = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    email = forms.CharField(label="E-mail", required=False)

    def contact_values(self) -> dict:
        return {"id": self.cleaned_data["id"]} | {
            field: self.cleaned_data[field] for field in CONTACT_FIELDS
        }


class BaseEscalationTierFormSet(forms.BaseFormSet):
    # The service's words for the same rule (its own check stays: the API has no formset).
    default_error_messages = {"too_many_forms": "An escalation path has at most %(num)d tiers."}


EscalationTierFormSet = formset_factory(
    EscalationTierForm,
    formset=BaseEscalationTierFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_TIERS,
    validate_max=True,
)
EscalationContactFormSet = formset_factory(EscalationContactForm, extra=0)


def place_service_error(error: DomainError, *, forms_by_index, path_form=None) -> list[str]:
    """Put a service's messages next to the field they name; return the path-wide ones.

    ``forms_by_index`` maps the index the service saw (``tiers.<index>``) to its form.
    """
    on_top: list[str] = []
    for key, messages in (error.fields or {"": [error.message]}).items():
        match = TIER_ERROR_KEY.match(key)
        if match and int(match["index"]) in forms_by_index:
            form = forms_by_index[int(match["index"])]
            if match["field"] in form.fields:
                for message in messages:
                    form.add_error(match["field"], message)
                continue
        if path_form is not None and key in path_form.fields:
            for message in messages:
                path_form.add_error(key, message)
            continue
        on_top.extend(messages)
    return on_top


# --- the resolver -------------------------------------------------------------------------------


class ResolverForm(forms.Form):
    severity = forms.TypedChoiceField(choices=Severity.choices, coerce=int)
    category = forms.CharField(required=False, help_text="E.g. Billing; empty for none.")
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def clean_date(self):
        day = self.cleaned_data["date"]
        if not EARLIEST.year <= day.year <= LATEST.year:
            raise forms.ValidationError(f"Choose a date between {EARLIEST.year} and {LATEST.year}.")
        return day

    def instant(self, time_zone: str) -> datetime:
        """The date and time as an instant in ``time_zone`` (a wall time skipped by a
        daylight-saving change moves forward, as in the line's hours)."""
        day: date = self.cleaned_data["date"]
        wall: time = self.cleaned_data["time"]
        return hours.to_utc(day, wall, ZoneInfo(time_zone))
