"""The verifiable audit trail: history rows are sealed into a hash chain as they are written,
tampering is detected and named, and on PostgreSQL the database itself refuses to alter
history."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audits.audit_trail import seal_unsealed, verify_chain
from audits.models import ChainLink
from inventory import services
from inventory.models import AISystem

from ..factories import make_system

pytestmark = pytest.mark.django_db


def historical_table() -> str:
    return AISystem.history.model._meta.db_table


def tamper(sql: str, params: list) -> None:
    """Change the database behind the application's back, as a database superuser could: on
    PostgreSQL that means switching triggers off (the append-only guard) for the change."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_every_history_row_is_sealed_as_it_is_written(owner, officer):
    system = make_system(owner)
    services.system_transition(actor=officer, system=system, action="start_triage")
    rows = AISystem.history.filter(id=system.pk)
    links = ChainLink.objects.filter(table=AISystem.history.model._meta.label)
    assert set(links.values_list("history_id", flat=True)) == set(rows.values_list("pk", flat=True))
    result = verify_chain()
    assert result.ok and result.unsealed == 0
    assert result.checked == ChainLink.objects.count()


def test_an_altered_history_row_is_detected_and_named(owner, officer):
    system = make_system(owner)
    services.system_transition(actor=officer, system=system, action="start_triage")
    first = AISystem.history.filter(id=system.pk).earliest("history_date")
    tamper(
        f"UPDATE {historical_table()} SET history_change_reason = %s WHERE history_id = %s",
        ["nothing to see", first.pk],
    )
    result = verify_chain()
    assert not result.ok
    assert result.first_broken["history_id"] == first.pk
    assert result.first_broken["reason"] == "the history row was altered"
    with pytest.raises(CommandError, match=f"history row {first.pk}"):
        call_command("verify_audit_trail")


def test_a_deleted_history_row_is_detected(owner):
    system = make_system(owner)
    row = AISystem.history.get(id=system.pk)
    tamper(f"DELETE FROM {historical_table()} WHERE history_id = %s", [row.pk])
    result = verify_chain()
    assert result.first_broken["reason"] == "the history row was deleted"


def test_a_removed_link_is_detected(owner, officer):
    system = make_system(owner)
    services.system_transition(actor=officer, system=system, action="start_triage")
    link = ChainLink.objects.order_by("pk")[1]
    tamper(f"DELETE FROM {ChainLink._meta.db_table} WHERE id = %s", [link.pk])
    assert not verify_chain().ok


def test_bulk_loaded_rows_are_reported_then_sealed(owner):
    from simple_history.utils import bulk_create_with_history

    from ..factories import INTAKE_DATA

    make_system(owner)
    bulk_create_with_history([AISystem(**INTAKE_DATA, owner=owner) for _ in range(3)], AISystem)
    assert verify_chain().unsealed == 3
    assert seal_unsealed() == 3
    result = verify_chain()
    assert result.ok and result.unsealed == 0


def test_api_verifies_for_officers_and_auditors_only(api_as, officer, auditor, owner, approver):
    make_system(owner)
    url = reverse("api:audit-trail-verify")
    for user in (officer, auditor):
        body = api_as(user).get(url).json()
        assert body["ok"] is True and body["checked"] >= 1
    for user in (owner, approver):
        assert api_as(user).get(url).status_code == 403


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
def test_postgresql_refuses_update_and_delete_of_history(owner):
    system = make_system(owner)
    row = AISystem.history.get(id=system.pk)
    for sql in (
        f"UPDATE {historical_table()} SET name = 'forged' WHERE history_id = %s",
        f"DELETE FROM {historical_table()} WHERE history_id = %s",
        f"DELETE FROM {ChainLink._meta.db_table} WHERE history_id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [row.pk])
    row.refresh_from_db()
    assert row.name == system.name
