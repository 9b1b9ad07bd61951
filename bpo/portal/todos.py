"""To-dos: what waits for a user, contributed by each app to one list.

An app adds its items by defining a ``todos.py`` module (found when the portal app is ready)
that registers a provider::

    @register
    def script_todos(user, clients): ...

A provider receives the clients the user may open and answers the items waiting for that user.
It checks the user's right per client with ``can`` (no query) and reads in bulk: at most one
query per client schema, never one per item, so the home page costs the same whatever waits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bpo.dates import format_when

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client


@dataclass(frozen=True)
class Todo:
    title: str  # what to do, in words: "Approve the Billing support script, version 3"
    url: str
    client: Client | None  # None for provider-wide items (an onboarding that failed)
    when: datetime  # since when it waits
    kind: str  # "script_review", "onboarding_failed", ...: for tests and styling
    detail: str = ""
    priority: int = 0  # higher first; same priority: the longest waiting first

    @property
    def when_display(self) -> str:
        """The portal's one date format (``bpo.dates``, as ``|when``), in the item's client's zone (UTC for
        provider-wide items), whichever page lists it."""
        return format_when(
            self.when, zone=ZoneInfo(self.client.time_zone if self.client else "UTC")
        )


TodoProvider = Callable[["User", Sequence["Client"]], list[Todo]]
_providers: list[TodoProvider] = []


def register(provider: TodoProvider) -> TodoProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def todos_for(*, user: User, clients: Iterable[Client]) -> list[Todo]:
    """Every provider's items for ``user`` over ``clients`` (which must be clients the user
    may open: ``accessible_clients`` or the current one)."""
    clients = list(clients)
    items: list[Todo] = []
    for provider in _providers:
        items.extend(provider(user, clients))
    return sorted(items, key=lambda todo: (-todo.priority, todo.when))
