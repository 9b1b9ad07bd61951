"""Forms of the scorecard pages. The fields only carry what was typed; the rules and their
messages are the services' (``bpo.quality.services``), put back next to the field at fault
with ``bpo.forms.add_domain_error``."""

from __future__ import annotations

from django import forms

from bpo.quality.models import AutoFail, Scale
from bpo.quality.services.scorecards import (
    CHANGE_SUMMARY_MAX,
    CRITERION_TEXT_MAX,
    GUIDANCE_MAX,
    NAME_MAX,
    SECTION_TITLE_MAX,
)

_NUMBER = {"inputmode": "decimal", "autocomplete": "off", "size": 8}


class ScorecardForm(forms.Form):
    name = forms.CharField(required=False, widget=forms.TextInput(attrs={"maxlength": NAME_MAX}))
    service_line = forms.ChoiceField(
        required=False,
        label="Service line",
        help_text="Empty: the scorecard is for every line of the client.",
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Description"
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["service_line"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Every line"), *((str(line.pk), line.name) for line in lines)]


class VersionForm(forms.Form):
    change_summary = forms.CharField(
        required=False,
        label="What changes in this version",
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": CHANGE_SUMMARY_MAX}),
    )
    pass_mark_percent = forms.CharField(
        required=False,
        label="Pass mark (%)",
        widget=forms.TextInput(attrs=_NUMBER),
        help_text="An evaluation passes at or above this overall score, without auto-fail.",
    )


class SectionForm(forms.Form):
    title = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"maxlength": SECTION_TITLE_MAX})
    )
    weight = forms.CharField(
        required=False,
        initial="1",
        widget=forms.TextInput(attrs=_NUMBER),
        help_text="Its share of the overall score, against the other sections' weights.",
    )
    auto_fail_below_percent = forms.CharField(
        required=False,
        label="Fails the evaluation below (%)",
        widget=forms.TextInput(attrs=_NUMBER),
        help_text="Empty: the section never fails the whole evaluation by its score.",
    )


class CriterionForm(forms.Form):
    text = forms.CharField(
        required=False,
        label="Criterion",
        widget=forms.TextInput(attrs={"maxlength": CRITERION_TEXT_MAX}),
    )
    guidance = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": GUIDANCE_MAX}),
        help_text="How to judge it: what counts as met, examples.",
    )
    weight = forms.CharField(
        required=False,
        initial="1",
        widget=forms.TextInput(attrs=_NUMBER),
        help_text="Against the section's other criteria; 0 only for an auto-fail gate.",
    )
    scale = forms.ChoiceField(choices=Scale.choices, required=False, initial=Scale.YES_NO)
    max_points = forms.CharField(
        required=False,
        label="Maximum points",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
        help_text="Points scale only.",
    )
    allows_na = forms.BooleanField(required=False, label="N/A allowed")
    auto_fail = forms.ChoiceField(
        choices=AutoFail.choices,
        required=False,
        initial=AutoFail.NONE,
        label="Auto-fail",
        help_text="Tripped by the lowest answer: no, 1, or 0 points.",
    )
    is_bonus = forms.BooleanField(
        required=False, label="Bonus", help_text="Adds on top, may lift the score above 100 %."
    )


# --- calibration sessions ----------------------------------------------------------------------


class CalibrationSessionForm(forms.Form):
    title = forms.CharField(required=False, widget=forms.TextInput(attrs={"maxlength": 160}))
    scorecard_version = forms.ChoiceField(required=False, label="Scorecard version")
    interactions = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Interactions to score",
        help_text="The newest interactions; record another one below.",
    )
    participants = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="QA analysts, account managers and the client's admins.",
    )
    expert = forms.ChoiceField(
        required=False,
        help_text="Their answers are the reference of the alignment score.",
    )

    def __init__(self, *args, versions=(), interactions=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scorecard_version"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((str(v.pk), f"{v.scorecard.name}, version {v.number}") for v in versions),
        ]
        self.fields["interactions"].choices = [  # type: ignore[attr-defined]
            (
                str(i.pk),
                f"{i.reference} · {i.service_line.name} · {i.get_channel_display()}",
            )
            for i in interactions
        ]
        people_choices = [(str(u.pk), str(u)) for u in people]
        self.fields["participants"].choices = people_choices  # type: ignore[attr-defined]
        self.fields["expert"].choices = [("", "No expert"), *people_choices]  # type: ignore[attr-defined]


class InteractionForm(forms.Form):
    """An interaction recorded on the fly (its id in the client's system, line, channel,
    when)."""

    reference = forms.CharField(required=False, label="Interaction id")
    service_line = forms.ChoiceField(required=False, label="Service line")
    channel = forms.ChoiceField(required=False)
    occurred_at = forms.DateTimeField(
        required=False,
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="In the client's time zone.",
    )
    link = forms.URLField(required=False, label="Link (optional)", assume_scheme="https")

    def __init__(self, *args, lines=(), **kwargs):
        from bpo.catalog.models import Channel

        super().__init__(*args, **kwargs)
        self.fields["service_line"].choices = [(str(x.pk), x.name) for x in lines]  # type: ignore[attr-defined]
        self.fields["channel"].choices = Channel.choices  # type: ignore[attr-defined]

    @property
    def is_filled(self) -> bool:
        return bool(self.data.get(self.add_prefix("reference"), "").strip())
