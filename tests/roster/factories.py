"""Roster factories: agents and their reference data, written directly (tests of the
services build through the services)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from scheduling.roster.models import (
    Agent,
    ShiftTemplate,
    Site,
    Skill,
    Team,
    TeamOffCap,
    TimeOffAllowance,
)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Site {n}")
    time_zone = "Europe/Lisbon"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Skill {n}")


class ShiftTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShiftTemplate

    name = factory.Sequence(lambda n: f"Day {n}")
    length_minutes = 480
    start_times = factory.LazyFunction(lambda: [__import__("datetime").time(8)])
    paid_break_minutes = 30


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    full_name = factory.Faker("name")
    time_zone = "Europe/Lisbon"
    cost_currency = "EUR"
    hourly_cost = Decimal("18.50")
    starts_on = date(2020, 1, 1)


def team_with_cap(max_off: int, **kwargs) -> Team:
    team = TeamFactory(**kwargs)
    TeamOffCap.objects.create(team=team, max_off=max_off)
    return team


def allowance(agent: Agent, year: int, days) -> TimeOffAllowance:
    return TimeOffAllowance.objects.create(agent=agent, year=year, days=Decimal(str(days)))
