"""factory_boy factories of the catalog (create them with a client's schema active)."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import factory

from bpo.catalog import models


class ServiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ServiceLine

    name = factory.Sequence(lambda n: f"Line {n}")
    channel = models.Channel.VOICE
    direction = models.Direction.INBOUND
    status = models.ServiceLineStatus.ACTIVE
    languages = factory.LazyFunction(lambda: ["en"])
    required_skills = factory.LazyFunction(lambda: ["billing"])
    service_level_percent = Decimal("80")
    service_level_seconds = 20


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OpeningHours

    service_line = factory.SubFactory(ServiceLineFactory)
    weekday = 0
    opens_at = time(9, 0)
    closes_at = time(17, 0)


class DateOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DateOverride

    service_line = factory.SubFactory(ServiceLineFactory)
    date = factory.Faker("future_date")
    is_closed = True


class ScriptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Script

    service_line = factory.SubFactory(ServiceLineFactory)
    title = factory.LazyAttribute(lambda script: f"{script.service_line.name} script")


class ScriptVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ScriptVersion

    script = factory.SubFactory(ScriptFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = models.ScriptVersionStatus.DRAFT
    change_summary = "First version"


class ScriptSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ScriptSection

    version = factory.SubFactory(ScriptVersionFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = "Greeting"
    body = "Hello {{customer_name}}, thank you for calling."


class ScriptVariableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ScriptVariable

    version = factory.SubFactory(ScriptVersionFactory)
    name = "customer_name"
    sample_value = "Jane Doe"


class EscalationPathFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EscalationPath

    service_line = factory.SubFactory(ServiceLineFactory)
    name = factory.LazyAttribute(lambda path: f"{path.service_line.name} escalations")


class EscalationTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EscalationTier

    path = factory.SubFactory(EscalationPathFactory)
    level = 1
    trigger_kind = models.TriggerKind.SEVERITY
    min_severity = models.Severity.LOW
    contact_name = "Tina Lead"
    contact_role = "Team lead"
    channel = models.ContactChannel.PHONE
    phone = "+14155550100"
    respond_within_minutes = 15
    coverage = models.Coverage.ALWAYS
