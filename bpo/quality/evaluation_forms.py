"""Forms of the evaluation pages: a new evaluation (the interaction and the scorecard), the
list's filters, a dispute and a decision. The scoring form itself is built from the version's
criteria in the view (``evaluation_views.scoring_rows``). Fields carry what was typed; the
rules are the services'."""

from __future__ import annotations

from django import forms

from bpo.catalog.models import Channel
from bpo.quality.models import DisputeStatus, EvaluationStatus

_TEXT = {"autocomplete": "off"}


class NewEvaluationForm(forms.Form):
    service_line = forms.ChoiceField(
        label="Service line", error_messages={"required": "Choose the interaction's line."}
    )
    scorecard_version = forms.ChoiceField(
        label="Scorecard",
        error_messages={"required": "Choose the scorecard to score it with."},
        help_text="Its published version scores the evaluation; a scorecard for another line is refused.",
    )
    reference = forms.CharField(
        label="Interaction id",
        required=False,
        help_text="The call, chat or ticket id in the client's system.",
        widget=forms.TextInput(attrs={**_TEXT, "maxlength": 120}),
    )
    channel = forms.ChoiceField(choices=[("", "—"), *Channel.choices], required=False)
    occurred_at = forms.DateTimeField(
        label="Date and time",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="In the client's time zone.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    link = forms.URLField(
        label="Link (optional)", required=False, assume_scheme="https", max_length=500
    )
    agent = forms.ChoiceField(
        label="Agent", error_messages={"required": "Choose the agent who handled it."}
    )
    due_on = forms.DateField(
        label="Due on (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, lines=(), versions=(), agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._choices(
            "service_line", [("", "Choose a line"), *((str(x.pk), x.name) for x in lines)]
        )
        self._choices(
            "scorecard_version",
            [
                ("", "Choose a scorecard"),
                *(
                    (
                        str(v.pk),
                        f"{v.scorecard.name} (v{v.number}, "
                        f"{v.scorecard.service_line.name if v.scorecard.service_line else 'every line'})",
                    )
                    for v in versions
                ),
            ],
        )
        self._choices(
            "agent", [("", "Choose the agent"), *((str(a.pk), a.full_name) for a in agents)]
        )

    def _choices(self, name, choices):
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class EvaluationFilterForm(forms.Form):
    line = forms.ChoiceField(required=False, label="Line")
    agent = forms.ChoiceField(required=False, label="Agent")
    evaluator = forms.ChoiceField(required=False, label="Evaluator")
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *EvaluationStatus.choices], label="Status"
    )
    week = forms.DateField(
        required=False,
        label="Week of",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Any day of the week.",
    )

    def __init__(self, *args, lines=(), agents=(), evaluators=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name, rows, empty in (
            ("line", lines, "All lines"),
            ("agent", agents, "All agents"),
            ("evaluator", evaluators, "All evaluators"),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", empty), *((str(pk), label) for pk, label in rows)]


class DisputeForm(forms.Form):
    criterion = forms.ChoiceField(
        required=False,
        label="What do you dispute?",
        help_text="The whole evaluation, or one criterion of it.",
    )
    reason = forms.CharField(
        required=False, label="Why", widget=forms.Textarea(attrs={"rows": 4, "maxlength": 5000})
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["criterion"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "The whole evaluation"), *((str(c.pk), c.text) for c in criteria)]


DECISION_CHOICES = [
    (DisputeStatus.ACCEPTED.value, "Accept: correct the answers as disputed"),
    (DisputeStatus.PARTIAL.value, "Accept in part: correct some answers"),
    (DisputeStatus.REJECTED.value, "Reject: the answers stand"),
]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        required=False, choices=DECISION_CHOICES, widget=forms.RadioSelect, label="Decision"
    )
    decision_reason = forms.CharField(
        required=False,
        label="Reason (both sides read it)",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 5000}),
    )
