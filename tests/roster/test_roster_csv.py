"""The roster's CSV import and export: all or nothing, every problem named by row and column."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scheduling.roster import roster_csv, services
from scheduling.roster.models import Agent
from tests.roster.factories import (
    AgentFactory,
    ShiftTemplateFactory,
    SiteFactory,
    SkillFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db
HEADER = (
    "employee_number,full_name,team,site,time_zone,skills,languages,hourly_cost,currency,"
    "availability_sat,availability_sun,shift_templates,starts_on,service_lines\n"
)


@pytest.fixture
def reference(client_a):
    TeamFactory(name="Blue")
    SiteFactory(name="Lisbon")
    SkillFactory(name="Billing")
    SkillFactory(name="Returns")
    ShiftTemplateFactory(name="Day 8h")
    return client_a


def good_file(client) -> bytes:
    return (
        HEADER
        + "E-100,Ana Costa,Blue,Lisbon,Europe/Lisbon,Billing:4; Returns:2,pt; en,17.50,EUR,off,off,"
        f"Day 8h,2024-02-01,{client.slug}\n"
        + "E-101,Bruno Dias,Blue,,Europe/Lisbon,Billing,pt,16,eur,,,,2024-03-01,\n"
    ).encode()


def test_a_good_file_adds_every_agent_with_its_fields(reference):
    # when
    plan = services.import_roster(content=good_file(reference), actor=None)
    # then
    assert plan.counts == {"new": 2, "changed": 0, "unchanged": 0}
    ana = Agent.objects.get(employee_number="E-100")
    assert (ana.team.name, ana.site.name, ana.languages, ana.cost_currency) == (
        "Blue",
        "Lisbon",
        ["pt", "en"],
        "EUR",
    )
    assert {row.skill.name: row.level for row in ana.skill_levels.all()} == {
        "Billing": 4,
        "Returns": 2,
    }
    assert ana.availability == {"sat": "off", "sun": "off"}
    assert [(row.client, row.service_line_id) for row in ana.service_lines.all()] == [
        (reference, None)
    ]
    assert Agent.objects.get(employee_number="E-101").skill_levels.get().level == 3


def test_reimporting_the_export_changes_nothing_and_an_edit_is_an_update(reference):
    services.import_roster(content=good_file(reference), actor=None)
    exported = roster_csv.write_csv(
        [services.agent_data_of(agent) for agent in services.list_agents_for_import()]
    )
    again = services.plan_roster_import(content=exported.encode())
    assert again.problems == [] and again.counts == {"new": 0, "changed": 0, "unchanged": 2}
    edited = exported.replace("Ana Costa", "Ana M. Costa")
    plan = services.import_roster(content=edited.encode(), actor=None)
    assert plan.counts["changed"] == 1
    assert plan.changes[0].changed == ("full_name",)
    assert Agent.objects.get(employee_number="E-100").full_name == "Ana M. Costa"


def test_one_bad_row_stores_nothing_and_names_row_and_column(reference):
    content = good_file(reference) + b"E-102,Carla,Green,,Mars/Olympus,,,12,ABC,,,,2024-01-01,\n"
    with pytest.raises(services.RosterImportError) as refused:
        services.import_roster(content=content, actor=None)
    problems = {(p.row, p.column) for p in refused.value.problems}
    assert problems == {(4, "team"), (4, "time_zone"), (4, "currency")}
    assert not Agent.objects.exists()


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("E-100,Dup,Blue,,Europe/Lisbon,,,1,EUR,,,,2024-01-01,", "employee_number", "row 2"),
        ("E-9,X,Blue,,Europe/Lisbon,Cooking:3,,1,EUR,,,,2024-01-01,", "skills", "no skill"),
        ("E-9,X,Blue,,Europe/Lisbon,Billing:7,,1,EUR,,,,2024-01-01,", "skills", "1 to 5"),
        ("E-9,X,Blue,,Europe/Lisbon,,,abc,EUR,,,,2024-01-01,", "hourly_cost", "not a number"),
        ("E-9,X,Blue,,Europe/Lisbon,,,-1,EUR,,,,2024-01-01,", "hourly_cost", "negative"),
        ("E-9,X,Blue,,Europe/Lisbon,,,1,EUR,9-5,,,2024-01-01,", "availability_sat", "period"),
        ("E-9,X,Blue,,Europe/Lisbon,,,1,EUR,,,Night,2024-01-01,", "shift_templates", "Night"),
        ("E-9,X,Blue,,Europe/Lisbon,,,1,EUR,,,,01/02/2024,", "starts_on", "YYYY-MM-DD"),
        ("E-9,X,Blue,,Europe/Lisbon,,,1,EUR,,,,2024-01-01,nobody", "service_lines", "no client"),
        ("E-9,,Blue,,Europe/Lisbon,,,1,EUR,,,,2024-01-01,", "full_name", "required"),
    ],
)
def test_every_error_names_row_column_and_reason(reference, row, column, words):
    content = good_file(reference) + row.encode() + b"\n"
    plan = services.plan_roster_import(content=content)
    assert [(p.row, p.column) for p in plan.problems] == [(4, column)]
    assert words in plan.problems[0].message


def test_a_service_line_is_checked_in_the_clients_schema(reference):
    plan = services.plan_roster_import(
        content=good_file(reference).replace(
            f",{reference.slug}\n".encode(), f",{reference.slug}:987654\n".encode()
        )
    )
    assert [(p.row, p.column) for p in plan.problems] == [(2, "service_lines")]
    assert "no service line number 987654" in plan.problems[0].message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04rest-of-a-zip", "spreadsheet"),
        (
            "employee_number,full_name,time_zone,currency\nE1,Zoë,UTC,EUR\n".encode("utf-16"),
            "UTF-8",
        ),
        (b"", "empty"),
        (b"employee_number,full_name,time_zone\n", "currency"),
        (b"employee_number,full_name,time_zone,currency,shoe_size\n", "Unknown column"),
    ],
)
def test_a_file_that_is_not_a_roster_gets_a_clear_message(db, content, words):
    plan = services.plan_roster_import(content=content)
    assert plan.problems and words in str(plan.problems[0])


def test_import_roster_command_is_all_or_nothing(reference, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(good_file(reference) + b"E-102,Carla,Green,,UTC,,,1,EUR,,,,2024-01-01,\n")
    with pytest.raises(CommandError, match="row 4, team"):
        call_command("import_roster", str(bad))
    assert not Agent.objects.exists()
    good = tmp_path / "good.csv"
    good.write_bytes(good_file(reference))
    call_command("import_roster", str(good))
    assert "2 new, 0 changed, 0 unchanged" in capsys.readouterr().out
    assert Agent.objects.count() == 2


def test_export_writes_every_column(reference):
    AgentFactory(employee_number="E-7", full_name="Zoë Ortiz", availability={"mon": "off"})
    exported = roster_csv.write_csv(
        [services.agent_data_of(agent) for agent in services.list_agents_for_import()]
    )
    header, row = exported.splitlines()[:2]
    assert header.split(",") == list(roster_csv.COLUMNS)
    assert row.startswith("E-7,Zoë Ortiz,") and ",off," in row
