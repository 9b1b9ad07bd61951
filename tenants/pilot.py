"""The pilot checklist: what a client needs before it can go live.

Each item asks the app that owns it (through ``PILOT_ITEMS``); an app that does not exist yet
answers "not available yet", so the checklist shows from the first day.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps

from tenants.db import tenant_connection


@dataclass(frozen=True)
class PilotItem:
    key: str
    label: str
    app_label: str
    model_name: str
    filter: dict
    url_name: str = ""  # the page where it is done (a URL name that takes the client slug)
    url_right: str = "view_catalog"  # the right (an ``Action``) that page needs


@dataclass(frozen=True)
class PilotItemState:
    key: str
    label: str
    is_done: bool
    is_available: bool
    url_name: str = ""
    url_right: str = "view_catalog"


PILOT_ITEMS = (
    PilotItem(
        "service_line", "A service line", "catalog", "ServiceLine", {}, "client:service_lines"
    ),
    PilotItem(
        "published_script",
        "A published script",
        "catalog",
        "ScriptVersion",
        {"status": "published"},
        "client:service_lines",
    ),
    PilotItem(
        "escalation_path",
        "An escalation path",
        "catalog",
        "EscalationPath",
        {},
        "client:service_lines",
    ),
    # A scorecard counts once a version of it is published (a draft scores nothing).
    PilotItem(
        "qa_scorecard",
        "A QA scorecard",
        "quality",
        "Scorecard",
        {"versions__status": "published"},
        "client:scorecards",
        "view_scorecards",
    ),
)


def pilot_checklist(*, client) -> list[PilotItemState]:
    """Reads the current schema: call it with ``client``'s schema active."""

    if tenant_connection().schema_name != client.schema_name:
        raise RuntimeError("pilot_checklist must run in the client's schema")
    states = []
    for item in PILOT_ITEMS:
        try:
            model = apps.get_model(item.app_label, item.model_name)
        except LookupError:
            states.append(PilotItemState(item.key, item.label, False, False))
            continue
        done = model._default_manager.filter(**item.filter).exists()
        states.append(
            PilotItemState(item.key, item.label, done, True, item.url_name, item.url_right)
        )
    return states


def is_complete(states: list[PilotItemState]) -> bool:
    return all(state.is_done for state in states)


def awaits_items(states: list[PilotItemState]) -> bool:
    """Whether an item the client can already do is still to do (what is worth watching for;
    an item whose feature does not exist yet cannot appear)."""
    return any(state.is_available and not state.is_done for state in states)


def missing_items(states: list[PilotItemState]) -> list[PilotItemState]:
    """The items still to do (a ticked item is never among them)."""
    return [state for state in states if not state.is_done]


def missing_message(states: list[PilotItemState]) -> str:
    """Why the client cannot go live yet, naming exactly the items still to do."""
    labels = [state.label[0].lower() + state.label[1:] for state in missing_items(states)]
    if not labels:
        return ""
    listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    verb = "is" if len(labels) == 1 else "are"
    return f"The pilot checklist is not complete: {listed} {verb} needed first."


def is_pilot_complete(*, client) -> bool:
    return is_complete(pilot_checklist(client=client))
