"""Forms of the tenant registry: the client list filter, the onboarding wizard's steps and the
lifecycle actions.

The wizard's fields carry no rules of their own: every step is checked by
``onboarding_rules.validate_answer_fields`` (the rules of ``onboarding_rules.validate_answers``) and the
service's messages are put next to the fields they name.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pycountry
from django import forms
from django.urls import reverse

from bpo.errors import DomainError
from tenants import onboarding_rules
from tenants.models import BillingModel, Client, ClientStatus, Industry

# --- choices ------------------------------------------------------------------------------

COMMON_CURRENCIES = ("USD", "EUR", "GBP", "MXN", "CAD", "BRL", "COP", "INR", "PHP", "ZAR")


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def currency_name(code: str) -> str:
    currency = pycountry.currencies.get(alpha_3=code) if code else None
    return currency.name if currency else code


@lru_cache(maxsize=1)
def country_choices() -> list[tuple[str, str]]:
    countries = sorted(
        ((c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries), key=lambda c: c[1]
    )
    return [("", "Choose a country…"), *countries]


@lru_cache(maxsize=1)
def currency_choices() -> list:
    every = sorted(
        (c.alpha_3, f"{c.alpha_3} — {c.name}")
        for c in pycountry.currencies
        # Precious metals, fund and testing codes (XAU, XTS...) are no invoicing currencies.
        if not c.alpha_3.startswith("X") or c.alpha_3 in {"XAF", "XOF", "XCD", "XPF"}
    )
    labels = dict(every)
    common = [(code, labels[code]) for code in COMMON_CURRENCIES if code in labels]
    return [("", "Choose a currency…"), ("Common", common), ("All currencies", every)]


@lru_cache(maxsize=1)
def _zones_by_country() -> dict[str, list[str]]:
    """Country code -> IANA zones, from the zone database's ``zone.tab`` when the system has
    one (a nicety: without it the time zone list is simply not narrowed)."""
    zones: dict[str, list[str]] = defaultdict(list)
    for folder in zoneinfo.TZPATH:
        table = Path(folder) / "zone.tab"
        if not table.exists():
            continue
        for line in table.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) >= 3:
                zones[parts[0]].append(parts[2])
        break
    available = onboarding_rules.available_time_zones()
    # zone.tab lists a country's principal zone first: keep its order.
    return {code: [z for z in names if z in available] for code, names in zones.items()}


@lru_cache(maxsize=1)
def _zones_by_region() -> list[tuple[str, list[tuple[str, str]]]]:
    regions: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in sorted(onboarding_rules.available_time_zones()):
        if "/" not in name or name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/")):
            continue
        region = name.split("/", 1)[0]
        regions[region].append((name, name.replace("_", " ")))
    return [("UTC", [("UTC", "UTC")]), *sorted(regions.items())]


def zones_of_country(country: str) -> list[str]:
    return _zones_by_country().get((country or "").upper(), [])


def single_time_zone_of(country: str) -> str:
    """The country's principal zone when all its zones keep one UTC offset (Germany), else
    ``""`` (the United States: the user must choose)."""
    zones = zones_of_country(country)
    if not zones:
        return ""
    now = datetime.now(UTC)
    offsets = {now.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset() for zone in zones}
    return zones[0] if len(offsets) == 1 else ""


def time_zone_choices(country: str = "") -> list:
    """All zones by region; the chosen country's zones first."""
    choices: list = [("", "Choose a time zone…")]
    local = zones_of_country(country)
    if local:
        label = f"Time zones of {country_name(country.upper())}"
        choices.append((label, [(zone, zone.replace("_", " ")) for zone in local]))
    return choices + _zones_by_region()


# --- client list --------------------------------------------------------------------------


class ClientFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name, legal name or address"}
        ),
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "All statuses"), *ClientStatus.choices]
    )


# --- onboarding wizard --------------------------------------------------------------------


class OnboardingStepForm(forms.Form):
    """One step of the wizard. ``answers`` are the answers of the other steps: some rules look
    across steps, and the service checks the whole set."""

    title = ""
    intro = ""

    def __init__(self, *args, answers: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = dict(answers or {})

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        data = {**self.answers, **{name: cleaned.get(name, "") for name in self.fields}}
        try:
            values = onboarding_rules.validate_answer_fields(data, fields=self.fields)
        except DomainError as exc:
            for field, messages in exc.fields.items():
                if field in self.errors:
                    # The field's own check refused what was typed ("Null characters are not
                    # allowed."): a second message about the emptied value would mislead.
                    continue
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
            return cleaned
        cleaned.update(values)
        return cleaned


def _text(label: str, help_text: str = "", **attrs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
    )


def _email(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


def _select(label: str, help_text: str = "", **attrs) -> forms.CharField:
    # A select without choice checking of its own: the service says what is wrong.
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.Select(attrs=attrs)
    )


class CompanyForm(OnboardingStepForm):
    title = "Company"
    intro = "Who the client is and where it works."

    name = _text("Company name", autofocus=True, autocomplete="organization")
    legal_name = _text("Legal name", "As on contracts and invoices.")
    slug = _text(
        "Portal address",
        "Lowercase letters, digits and hyphens; the client's portal lives at /c/<address>/. "
        "Leave it blank to use the suggestion.",
        autocomplete="off",
    )
    industry = _select("Industry")
    industry.initial = Industry.OTHER  # the service's default, shown rather than implied
    country = _select("Country")
    time_zone = _select("Time zone", "Shifts, reports and service hours use this zone.")
    currency = _select("Currency", "Contracts and invoices are in this currency.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        country = self.data.get("country") if self.is_bound else self.initial.get("country")
        self.fields["industry"].widget.choices = Industry.choices
        self.fields["country"].widget.choices = country_choices()
        self.fields["time_zone"].widget.choices = time_zone_choices(country or "")
        self.fields["currency"].widget.choices = currency_choices()
        # Live help while typing (htmx): the address the name suggests or what is wrong with
        # the typed one, and the chosen country's time zones first.
        address_check = {
            "hx-get": reverse("tenants:onboard_address_check"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#address-hint",
            "hx-include": "[name=name],[name=slug]",
        }
        self.fields["name"].widget.attrs.update(address_check)
        self.fields["slug"].widget.attrs.update(address_check)
        self.fields["country"].widget.attrs.update(
            {
                "hx-get": reverse("tenants:onboard_time_zones"),
                "hx-trigger": "change",
                "hx-target": "#id_time_zone",
                "hx-include": "[name=country],[name=time_zone]",
            }
        )


class BillingForm(OnboardingStepForm):
    title = "Billing"
    intro = "How the client is billed and who receives the invoices."

    billing_model = forms.CharField(
        label="Billing model",
        required=False,
        widget=forms.RadioSelect(choices=BillingModel.choices),
        help_text="Rates, minimums and multipliers are set on the contract later.",
    )
    billing_contact_name = _text("Billing contact name", autocomplete="off")
    billing_contact_email = _email("Billing contact e-mail", "Invoices are sent here.")


class ClientAdminForm(OnboardingStepForm):
    title = "First client admin"
    intro = "This person is invited by e-mail to the client's portal and manages its users."

    admin_full_name = _text("Name", autocomplete="off")
    admin_email = _email("E-mail", "The invitation link is valid for a few days.")


# --- lifecycle ------------------------------------------------------------------------------


class ClientStatusForm(forms.Form):
    """A lifecycle action of the overview page. Which moves are allowed is the service's rule;
    this form only asks for the offboarding confirmation."""

    status = forms.CharField(max_length=16)
    note = forms.CharField(label="Note", required=False, max_length=2000, widget=forms.TextInput())
    confirm = forms.CharField(
        label="Type the client's address to confirm", required=False, max_length=63
    )

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("status") == ClientStatus.OFFBOARDED and (
            (cleaned.get("confirm") or "").strip() != self.client.slug
        ):
            self.add_error(
                "confirm",
                f"Type {self.client.slug} to confirm that {self.client.name} is offboarded.",
            )
        return cleaned
