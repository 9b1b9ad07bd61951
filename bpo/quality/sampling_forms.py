"""Forms of the sampling pages. They only carry the typed text; the services check it."""

from __future__ import annotations

from django import forms

from bpo.catalog.models import Channel
from bpo.quality.models import SamplingMode

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class InteractionUploadForm(forms.Form):
    file = forms.FileField(
        label="Interaction list (CSV)",
        help_text="Columns: line, reference, channel, occurred_at, agent, link (optional).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("A file has at most 5 MB: split it.")
        return upload


class InteractionFilterForm(forms.Form):
    service_line = forms.ChoiceField(label="Line", required=False)
    agent = forms.ChoiceField(label="Agent", required=False)
    channel = forms.ChoiceField(
        label="Channel", required=False, choices=[("", "Every channel"), *Channel.choices]
    )
    week = forms.CharField(
        label="Week",
        required=False,
        widget=forms.TextInput(attrs={"type": "week", "placeholder": "2026-W48"}),
    )
    search = forms.CharField(label="Reference", required=False)

    def __init__(self, *args, lines=(), agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        line_field, agent_field = self.fields["service_line"], self.fields["agent"]
        assert isinstance(line_field, forms.ChoiceField)
        assert isinstance(agent_field, forms.ChoiceField)
        line_field.choices = [("", "Every line"), *((str(line.pk), line.name) for line in lines)]
        agent_field.choices = [("", "Every agent"), *((str(pk), name) for pk, name in agents)]


class SamplingPlanForm(forms.Form):
    mode = forms.ChoiceField(label="Sample size", choices=SamplingMode.choices)
    evaluations_per_agent = forms.CharField(
        label="Evaluations per agent per week",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    share_percent = forms.CharField(
        label="Share of the week's interactions (%)",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="Rounded up: 5 % of 130 interactions is 7. Split over agents in proportion.",
    )
    is_active = forms.BooleanField(label="Active (draw every week)", required=False, initial=True)


class DrawForm(forms.Form):
    week = forms.CharField(
        label="Week",
        widget=forms.TextInput(attrs={"type": "week", "placeholder": "2026-W48"}),
    )
    evaluators = forms.MultipleChoiceField(
        label="Evaluators", widget=forms.CheckboxSelectMultiple, required=False
    )
    seed = forms.CharField(
        label="Seed (optional)",
        required=False,
        help_text="Leave empty for a random one. The seed is stored: the same seed and the "
        "same interactions draw the same sample.",
    )

    def __init__(self, *args, evaluators=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["evaluators"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(user.pk), user.get_full_name() or user.email) for user in evaluators]
