"""The form that starts a planning run (the service checks what depends on the data)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django import forms


def next_monday():
    today = datetime.now(UTC).date()
    return today + timedelta(days=7 - today.weekday())


class StartPlanningRunForm(forms.Form):
    week_starts_on = forms.DateField(
        label="Week starting (a Monday)",
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=next_monday,
    )
    clients = forms.MultipleChoiceField(
        label="Clients",
        widget=forms.CheckboxSelectMultiple,
        help_text="Clients that share agents are planned together: an agent's contract hours, "
        "rest and days off hold across all of them.",
    )
    time_limit = forms.IntegerField(
        label="Time limit (seconds)",
        initial=60,
        help_text="The optimiser stops at this limit with the best plan found; 5 to 3600.",
    )

    def __init__(self, *args, clients, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.client_rows = {str(c.pk): c for c in clients}
        field = self.fields["clients"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(c.pk), c.name) for c in clients]

    def chosen_clients(self) -> list:
        return [self.client_rows[pk] for pk in self.cleaned_data["clients"]]
