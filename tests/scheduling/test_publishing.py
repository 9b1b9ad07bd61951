"""Publishing a plan writes its shifts as bookings, all or nothing; republishing needs a reason
and shows what changed; conflicts with other clients' bookings name the agent and the time."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from bpo.errors import DomainError
from scheduling.planning.models import PlanStatus
from scheduling.planning.services.publishing import (
    PublishConflict,
    discard_plan,
    plan_changes,
    publish_plan,
)
from scheduling.roster.models import Booking
from tests.catalog.factories import ServiceLineFactory
from tests.roster.factories import AgentFactory
from tests.scheduling.plan_helpers import add_shift, at, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(in_client_a):
    return ServiceLineFactory(name="Orders")


def bookings_of(client):
    return sorted(
        (b.agent_id, b.during.lower, b.during.upper) for b in Booking.objects.filter(client=client)
    )


def test_publishing_writes_one_booking_per_shift_and_a_first_revision(
    in_client_a, line, scheduler_a
):
    ana, ben = AgentFactory(full_name="Ana Silva"), AgentFactory(full_name="Ben Ode")
    plan = make_plan()
    add_shift(plan, ana, line, 0, 8)
    add_shift(plan, ana, line, 1, 8)
    add_shift(plan, ben, line, 0, 12)

    revision = publish_plan(plan=plan, user=scheduler_a)

    assert bookings_of(in_client_a) == sorted(
        [
            (ana.pk, at(0, 8), at(0, 16)),
            (ana.pk, at(1, 8), at(1, 16)),
            (ben.pk, at(0, 12), at(0, 20)),
        ]
    )
    plan.refresh_from_db()
    assert (plan.status, plan.revision, plan.has_unpublished_changes) == (
        PlanStatus.PUBLISHED,
        1,
        False,
    )
    assert (revision.number, revision.shift_count, len(revision.changes["added"])) == (1, 3, 3)
    assert plan.published_by == scheduler_a


def test_a_shift_overlapping_another_clients_booking_is_refused_whole(
    in_client_a, client_b, line, scheduler_a
):
    ana, ben = AgentFactory(full_name="Ana Silva"), AgentFactory(full_name="Ben Ode")
    Booking.objects.create(
        agent=ana,
        client=client_b,
        during=DateTimeTZRange(at(1, 14), at(1, 18)),
        plan_id=99,
        shift_id=1,
    )
    plan = make_plan()
    add_shift(plan, ben, line, 0, 8)
    add_shift(plan, ana, line, 1, 8)

    with pytest.raises(PublishConflict) as refused:
        publish_plan(plan=plan, user=scheduler_a)

    assert f"Ana Silva is already booked for {client_b.name}" in str(refused.value)
    assert "from Tuesday 8 December 2026, 08:00 UTC to 16:00 UTC" in str(refused.value)
    [conflict] = refused.value.conflicts
    assert (conflict.agent_id, conflict.starts_at) == (ana.pk, at(1, 8))
    # nothing of the plan was published, not even Ben's shift
    assert bookings_of(in_client_a) == []
    plan.refresh_from_db()
    assert (plan.status, plan.revision) == (PlanStatus.DRAFT, 0)


def test_two_overlapping_shifts_of_one_agent_in_one_plan_are_named(in_client_a, line, scheduler_a):
    ana = AgentFactory(full_name="Ana Silva")
    plan = make_plan()
    add_shift(plan, ana, line, 0, 8)
    add_shift(plan, ana, line, 0, 12)

    with pytest.raises(PublishConflict, match="another shift of this plan"):
        publish_plan(plan=plan, user=scheduler_a)
    assert bookings_of(in_client_a) == []


def test_republishing_needs_a_reason_and_changes_only_what_changed(in_client_a, line, scheduler_a):
    ana, ben, cleo = (AgentFactory(full_name=n) for n in ("Ana Silva", "Ben Ode", "Cleo Ray"))
    plan = make_plan()
    keep = add_shift(plan, ana, line, 0, 8)
    move = add_shift(plan, ben, line, 1, 8)
    drop = add_shift(plan, cleo, line, 2, 8)
    publish_plan(plan=plan, user=scheduler_a)
    kept_booking = Booking.objects.get(shift_id=keep.pk)

    # a sick call: Ben's shift goes to Cleo, Cleo's own shift is cancelled, one is added
    move.agent_id = cleo.pk
    move.save()
    drop.delete()
    add_shift(plan, ana, line, 3, 8)

    changes = plan_changes(plan=plan)
    assert [c["agent"] for c in changes["added"]] == ["Ana Silva"]
    assert [(c["before"]["agent"], c["agent"]) for c in changes["moved"]] == [
        ("Ben Ode", "Cleo Ray")
    ]
    assert [c["agent"] for c in changes["removed"]] == ["Cleo Ray"]
    assert changes["unchanged"] == 1

    with pytest.raises(DomainError, match="Say why"):
        publish_plan(plan=plan, user=scheduler_a)
    mail.outbox.clear()
    revision = publish_plan(plan=plan, user=scheduler_a, reason="Ben called in sick")

    assert revision.number == 2 and revision.reason == "Ben called in sick"
    assert bookings_of(in_client_a) == sorted(
        [
            (ana.pk, at(0, 8), at(0, 16)),
            (cleo.pk, at(1, 8), at(1, 16)),
            (ana.pk, at(3, 8), at(3, 16)),
        ]
    )
    # the unchanged booking is the same row, still of revision 1
    assert Booking.objects.get(shift_id=keep.pk).pk == kept_booking.pk
    assert Booking.objects.get(shift_id=keep.pk).revision == 1
    assert list(plan.revisions.values_list("number", flat=True)) == [2, 1]

    with pytest.raises(DomainError, match="Nothing changed since revision 2"):
        publish_plan(plan=plan, user=scheduler_a, reason="again")


def test_affected_agents_with_an_account_are_told_by_mail(
    in_client_a, line, scheduler_a, django_capture_on_commit_callbacks
):
    from tests.conftest import make_user

    user = make_user("agent", email="ana@provider.test")
    connection.set_tenant(in_client_a)
    ana = AgentFactory(full_name="Ana Silva", user=user)
    ben = AgentFactory(full_name="Ben Ode")  # no account: nobody to tell
    plan = make_plan()
    add_shift(plan, ana, line, 0, 8)
    add_shift(plan, ben, line, 0, 8)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish_plan(plan=plan, user=scheduler_a)

    [message] = mail.outbox
    assert message.to == ["ana@provider.test"]
    assert "New: Monday 7 December 2026, 08:00 WET" in message.body  # Lisbon


def test_publishing_a_new_plan_of_a_published_week_replaces_the_old_one(
    in_client_a, line, scheduler_a
):
    ana = AgentFactory()
    first = make_plan()
    add_shift(first, ana, line, 0, 8)
    publish_plan(plan=first, user=scheduler_a)
    second = make_plan()
    add_shift(second, ana, line, 0, 9)

    with pytest.raises(DomainError, match="Say why"):
        publish_plan(plan=second, user=scheduler_a)
    publish_plan(plan=second, user=scheduler_a, reason="new planning run")

    first.refresh_from_db()
    assert first.status == PlanStatus.DISCARDED
    assert [(b.plan_id, b.during.lower) for b in Booking.objects.all()] == [(second.pk, at(0, 9))]


def test_discarding(in_client_a, line, scheduler_a):
    plan = make_plan()
    add_shift(plan, AgentFactory(), line, 0, 8)
    publish_plan(plan=plan, user=scheduler_a)
    with pytest.raises(DomainError, match="cannot be discarded"):
        discard_plan(plan=plan, user=scheduler_a)
    draft = make_plan()
    assert discard_plan(plan=draft, user=scheduler_a).status == PlanStatus.DISCARDED
    with pytest.raises(DomainError, match="discarded"):
        publish_plan(plan=draft, user=scheduler_a)
