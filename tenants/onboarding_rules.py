"""The onboarding answers and their rules, in one place: the wizard, the API and the worker
check the same answers with :func:`validate_answers` (or one step's fields with
:func:`validate_answer_fields`)."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from django.utils.text import slugify

from bpo.errors import DomainError
from tenants.models import BillingModel, Client, Industry

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")
RESERVED_SLUGS = frozenset({"public", "admin", "api", "new", "template", "www", "static"})


@dataclass(frozen=True)
class OnboardingAnswers:
    """What the wizard (or the API) collects. ``validate_answers`` builds it."""

    name: str
    legal_name: str
    slug: str
    industry: str
    country: str
    time_zone: str
    currency: str
    billing_model: str
    billing_contact_name: str
    billing_contact_email: str
    admin_full_name: str
    admin_email: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def suggest_slug(name: str) -> str:
    return slugify(name)[:40].strip("-") or "client"


ANSWER_FIELDS = tuple(OnboardingAnswers.__dataclass_fields__)


@lru_cache(maxsize=1)
def available_time_zones() -> frozenset[str]:
    # Scanning the zone database costs milliseconds per call; it does not change at runtime.
    return frozenset(zoneinfo.available_timezones())


def validate_answers(data: dict, *, check_unique: bool = True) -> OnboardingAnswers:
    """Check every answer; raise one DomainError listing each bad field."""
    values, errors = _check_answers(data, check_unique=check_unique)
    if errors:
        first_field = next(iter(errors))
        raise DomainError(errors[first_field][0], fields=errors)
    return OnboardingAnswers(**values)


def validate_answer_fields(data: dict, *, fields: Iterable[str]) -> dict[str, str]:
    """Check only ``fields`` of the answers (one wizard step) with the rules of
    :func:`validate_answers`; return their normalised values or raise one DomainError with
    the messages of those fields only."""
    asked = set(fields)
    wanted = [field for field in ANSWER_FIELDS if field in asked]
    values, errors = _check_answers(data, check_unique=True)
    step_errors = {field: errors[field] for field in wanted if field in errors}
    if step_errors:
        first_field = next(iter(step_errors))
        raise DomainError(step_errors[first_field][0], fields=step_errors)
    return {field: values[field] for field in wanted}


def _check_answers(data: dict, *, check_unique: bool) -> tuple[dict, dict[str, list[str]]]:
    """The onboarding rules, in one place: normalised values and messages per field."""
    errors: dict[str, list[str]] = {}

    def text(key: str, label: str, max_length: int = 200) -> str:
        value = str(data.get(key) or "").strip()
        if not value:
            errors.setdefault(key, []).append(f"{label} is required.")
        elif len(value) > max_length:
            errors.setdefault(key, []).append(f"{label} is longer than {max_length} characters.")
        return value

    name = text("name", "Company name")
    legal_name = text("legal_name", "Legal name")
    slug = str(data.get("slug") or "").strip().lower() or suggest_slug(name)
    if not SLUG_PATTERN.match(slug):
        errors.setdefault("slug", []).append(
            "Use 3 to 40 lowercase letters, digits and hyphens, starting and ending with a "
            "letter or digit."
        )
    elif slug in RESERVED_SLUGS:
        errors.setdefault("slug", []).append(f"'{slug}' is reserved.")
    elif check_unique and (
        Client.objects.filter(slug=slug).exists()
        or Client.objects.filter(schema_name=schema_name_for(slug)).exists()
    ):
        errors.setdefault("slug", []).append(f"The address '{slug}' is taken by another client.")

    industry = str(data.get("industry") or Industry.OTHER)
    if industry not in Industry.values:
        errors.setdefault("industry", []).append(f"Unknown industry {industry!r}.")

    country = str(data.get("country") or "").strip().upper()
    if not country:
        errors.setdefault("country", []).append("Country is required.")
    elif pycountry.countries.get(alpha_2=country) is None:
        errors.setdefault("country", []).append(
            f"{country!r} is not an ISO 3166 country code (e.g. US, DE, MX)."
        )

    time_zone = str(data.get("time_zone") or "").strip()
    if not time_zone:
        errors.setdefault("time_zone", []).append("Time zone is required.")
    elif time_zone not in available_time_zones():
        errors.setdefault("time_zone", []).append(
            f"{time_zone!r} is not an IANA time zone (e.g. Europe/Berlin)."
        )

    currency = str(data.get("currency") or "").strip().upper()
    if not currency:
        errors.setdefault("currency", []).append("Currency is required.")
    elif pycountry.currencies.get(alpha_3=currency) is None:
        errors.setdefault("currency", []).append(
            f"{currency!r} is not an ISO 4217 currency code (e.g. USD, EUR, MXN)."
        )

    billing_model = str(data.get("billing_model") or "")
    if billing_model not in BillingModel.values:
        errors.setdefault("billing_model", []).append(
            "Choose a billing model: "
            + ", ".join(str(label) for label in BillingModel.labels)
            + "."
        )

    billing_contact_name = text("billing_contact_name", "Billing contact name")
    billing_contact_email = _email(data, "billing_contact_email", "Billing contact e-mail", errors)
    admin_full_name = text("admin_full_name", "Client admin name")
    admin_email = _email(data, "admin_email", "Client admin e-mail", errors)
    if admin_email and not errors.get("admin_email"):
        from bpo.accounts.models import User
        from bpo.accounts.roles import STAFF_ROLES

        existing = User.objects.filter(email__iexact=admin_email).first()
        if existing and existing.memberships.exists():
            roles = set(existing.memberships.values_list("role", flat=True))
            reason = "provider staff" if roles & STAFF_ROLES else "a user of another client"
            errors.setdefault("admin_email", []).append(
                f"{admin_email} belongs to {reason}; a client admin needs their own account."
            )

    values = {
        "name": name,
        "legal_name": legal_name,
        "slug": slug,
        "industry": industry,
        "country": country,
        "time_zone": time_zone,
        "currency": currency,
        "billing_model": billing_model,
        "billing_contact_name": billing_contact_name,
        "billing_contact_email": billing_contact_email,
        "admin_full_name": admin_full_name,
        "admin_email": admin_email,
    }
    return values, errors


def _email(data: dict, key: str, label: str, errors: dict) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    value = str(data.get(key) or "").strip().lower()
    if not value:
        errors.setdefault(key, []).append(f"{label} is required.")
        return value
    try:
        validate_email(value)
    except ValidationError:
        errors.setdefault(key, []).append(f"{label} {value!r} is not a valid e-mail address.")
    return value


def schema_name_for(slug: str) -> str:
    return "c_" + slug.replace("-", "_")
