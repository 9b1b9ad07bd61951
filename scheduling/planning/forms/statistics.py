from __future__ import annotations

from zoneinfo import available_timezones

from django import forms

from bpo.catalog.models import ServiceLine
from scheduling.planning.models import ExperienceImportKind, ImportFormat

_ZONES = sorted(available_timezones())


class StatisticsUploadForm(forms.Form):
    file = forms.FileField(label="Export file (CSV)")
    format = forms.ChoiceField(
        choices=ImportFormat.choices,
        initial=ImportFormat.NEUTRAL,
        help_text='Which system wrote the file. <a href="#formats">What each expects</a>.',
    )
    service_line = forms.ModelChoiceField(
        queryset=ServiceLine.objects.none(),
        required=False,
        empty_label="Each row's queue names its line",
        help_text="Every row goes to this line; leave empty for a file with several queues.",
    )
    queue_mapping = forms.CharField(
        label="Queues to service lines",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Sales_Q = Order hotline"}),
        help_text="One 'Queue name = Service line' a line; a queue named like a line needs none.",
    )
    time_zone = forms.ChoiceField(
        choices=[(zone, zone) for zone in _ZONES],
        help_text="The zone of times without a UTC offset in the file (the client's by default).",
    )
    duration_unit = forms.ChoiceField(
        label="Durations without a colon are in",
        required=False,
        choices=[
            ("", "The format's usual unit (Genesys: ms; others: seconds)"),
            ("seconds", "Seconds"),
            ("milliseconds", "Milliseconds"),
        ],
    )

    def __init__(self, *args, client_zone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_line"].queryset = ServiceLine.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["time_zone"].initial = client_zone


class ExperienceUploadForm(forms.Form):
    file = forms.FileField(label="Survey results (CSV)")
    kind = forms.ChoiceField(label="Rows are", choices=ExperienceImportKind.choices)
    service_line = forms.ModelChoiceField(
        queryset=ServiceLine.objects.none(),
        required=False,
        empty_label="Each row's line column names it",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_line"].queryset = ServiceLine.objects.order_by("name")  # type: ignore[attr-defined]
