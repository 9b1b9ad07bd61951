"""One published version under concurrent publishing: two real threads, each with its own
database connection, publish two approved versions of one script at the same moment.

The data must be committed for the second connection to see it, so this is a ``live`` test on
a client provisioned for it (``live_client_factory``, whose schema is dropped afterwards).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from bpo.accounts.roles import Role
from bpo.catalog.models import ScriptVersion
from bpo.catalog.services import scripts as services
from tests.browser.conftest import drop_schemas, live_client_factory  # noqa: F401
from tests.catalog.script_helpers import make_version
from tests.conftest import make_user


@pytest.mark.live
@pytest.mark.parametrize("with_a_published_version", [False, True])
def test_concurrent_publishes_leave_one_published_version(
    live_client_factory,  # noqa: F811
    with_a_published_version,
):
    # given two approved versions of one script (and maybe one published before them)
    slug = f"script-race-{int(with_a_published_version)}"
    client = live_client_factory(slug)
    publisher = make_user(Role.ACCOUNT_MANAGER, client, email=f"am@{slug}.test")
    connection.set_tenant(client)
    first = make_version(status="approved")
    second = make_version(script=first.script, status="approved")
    earlier = (
        make_version(script=first.script, status="published") if with_a_published_version else None
    )
    connection.set_schema_to_public()

    start = threading.Barrier(2, timeout=30)
    failures: list[BaseException] = []

    def publish(version_id: int) -> None:
        # A thread has its own connection (Django keeps one per thread); close it at the end.
        try:
            connection.set_tenant(client)
            version = ScriptVersion.objects.get(pk=version_id)
            start.wait()
            services.publish_script_version(version=version, actor=publisher)
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(v.pk,)) for v in (first, second)]
    # when both publish at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then both succeeded one after the other: the later one is published, the other retired
    assert not failures, failures
    connection.set_tenant(client)
    statuses = dict(first.script.versions.values_list("pk", "status"))
    connection.set_schema_to_public()
    assert sorted([statuses[first.pk], statuses[second.pk]]) == ["published", "retired"]
    assert list(statuses.values()).count("published") == 1
    if earlier is not None:
        assert statuses[earlier.pk] == "retired"
