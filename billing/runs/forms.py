"""The form that starts an invoice run (the service checks what depends on the data)."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone


def last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return f"{first - timedelta(days=1):%Y-%m}"


class StartInvoiceRunForm(forms.Form):
    month = forms.CharField(
        label="Month",
        initial=last_month,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
        help_text="The calendar month to bill, e.g. 2026-11. A month not over yet gives a "
        "preview of the month so far.",
    )
    scope = forms.ChoiceField(
        label="Clients",
        choices=[("all", "Every live client"), ("chosen", "Only the clients chosen below")],
        initial="all",
        widget=forms.RadioSelect,
    )
    clients = forms.MultipleChoiceField(
        label="Chosen clients", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, clients, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.client_rows = {str(c.pk): c for c in clients}
        field = self.fields["clients"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(c.pk), c.name) for c in clients]

    def clean_month(self) -> date:
        text = self.cleaned_data["month"].strip()
        try:
            year, month = (int(part) for part in text.split("-"))
            return date(year, month, 1)
        except ValueError:
            raise forms.ValidationError("Give the month as year-month, e.g. 2026-11.") from None

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("scope") == "chosen" and not cleaned.get("clients"):
            self.add_error("clients", "Choose at least one client, or bill every live client.")
        return cleaned

    def chosen_clients(self) -> list | None:
        if self.cleaned_data["scope"] == "all":
            return None
        return [self.client_rows[pk] for pk in self.cleaned_data["clients"]]
