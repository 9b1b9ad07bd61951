"""Forms of the script pages: a version's summary, its sections and its variables (formsets).

The fields only carry text; the rules (and their messages) are the service's
(``bpo.catalog.services.scripts.content_errors``), put back next to the field at fault by
:func:`apply_content_errors`.
"""

from __future__ import annotations

from django import forms
from django.forms import formset_factory

from bpo.catalog.services.scripts import (
    CHANGE_SUMMARY_MAX,
    SAMPLE_VALUE_MAX,
    SCRIPT_TITLE_MAX,
    SECTION_BODY_MAX,
    SECTION_TITLE_MAX,
    VARIABLE_DESCRIPTION_MAX,
    VARIABLE_NAME_MAX,
)

SUGGESTED_SECTION_TITLES = ("Greeting", "Verification", "Discovery", "Resolution", "Closing")


class ScriptVersionForm(forms.Form):
    title = forms.CharField(
        label="Script title",
        required=False,
        widget=forms.TextInput(attrs={"maxlength": SCRIPT_TITLE_MAX}),
        help_text="The line has no script yet: name it.",
    )
    change_summary = forms.CharField(
        label="What changed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": CHANGE_SUMMARY_MAX}),
        help_text="One or two sentences the reviewer reads first.",
    )

    def __init__(self, *args, needs_title: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_title:
            del self.fields["title"]


class SectionForm(forms.Form):
    title = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={"maxlength": SECTION_TITLE_MAX, "list": "section-title-suggestions"}
        ),
    )
    body = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": SECTION_BODY_MAX}),
        help_text="Markdown. Variables as {{name}}, declared below.",
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("title") or "").strip() and not (data.get("body") or "").strip()


class VariableForm(forms.Form):
    name = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={"maxlength": VARIABLE_NAME_MAX, "placeholder": "customer_name"}
        ),
    )
    description = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"maxlength": VARIABLE_DESCRIPTION_MAX})
    )
    sample_value = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"maxlength": SAMPLE_VALUE_MAX})
    )

    def is_blank(self) -> bool:
        return not any((self.cleaned_data.get(name) or "").strip() for name in self.fields)


SectionFormSet = formset_factory(SectionForm, extra=0, can_delete=True, can_order=True)
VariableFormSet = formset_factory(VariableForm, extra=0, can_delete=True)

SECTIONS_PREFIX = "sections"
VARIABLES_PREFIX = "variables"


def section_formset(data=None, *, initial=None):
    return SectionFormSet(data, initial=initial, prefix=SECTIONS_PREFIX)


def variable_formset(data=None, *, initial=None):
    return VariableFormSet(data, initial=initial, prefix=VARIABLES_PREFIX)


def kept_section_forms(formset) -> list[SectionForm]:
    """The sections to save, in the order the author gave (blank and removed rows left out).
    Call after ``is_valid()``."""
    return [form for form in formset.ordered_forms if not form.is_blank()]


def kept_variable_forms(formset) -> list[VariableForm]:
    return [
        form
        for form in formset.forms
        if not form.cleaned_data.get("DELETE") and not form.is_blank()
    ]


def apply_content_errors(
    errors: dict[str, list[str]],
    *,
    version_form: ScriptVersionForm,
    section_forms: list[SectionForm],
    variable_forms: list[VariableForm],
) -> list[str]:
    """Put a ``DomainError``'s ``fields`` next to the fields at fault; returns the messages
    that belong to no single field (e.g. "A version needs at least one section.")."""
    unplaced: list[str] = []
    for key, messages in errors.items():
        parts = key.split(".")
        target: forms.Form | None = None
        field = parts[-1]
        if len(parts) == 3 and parts[1].isdigit():
            rows: list = section_forms if parts[0] == "sections" else variable_forms
            index = int(parts[1])
            target = rows[index] if index < len(rows) else None
        elif key in version_form.fields:
            target = version_form
        if target is None or field not in target.fields:
            unplaced.extend(messages)
            continue
        for message in messages:
            target.add_error(field, message)
    return unplaced


class ReturnToDraftForm(forms.Form):
    comment = forms.CharField(
        label="What needs to change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
