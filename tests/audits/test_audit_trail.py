"""The verifiable audit trail: every history row is sealed into a hash chain as it is written,
fingerprinted from its values as the database keeps them; the verifier reports every altered,
missing, unsealed or out-of-order link; signed checkpoints reveal a wipe; and on PostgreSQL the
database itself refuses to alter, truncate, back-date or leave unsealed any history."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from aims.errors import BusinessRuleError
from aims.models import Objective
from aims.ms import services as ms_services
from audits.models import ChainLink, TrailAdoption, TrailCheckpoint
from audits.trail import canonical
from audits.trail.chain import adopt_unsealed, historical_models
from audits.trail.checkpoints import create_checkpoint, file_name
from audits.trail.verify import verify_chain
from inventory import services
from inventory.models import AISystem

from ..factories import INTAKE_DATA, make_system

pytestmark = pytest.mark.django_db
POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")


def historical_table() -> str:
    return AISystem.history.model._meta.db_table


def tamper(sql: str, params: list | None = None) -> None:
    """Change the database behind the application's back, as a database superuser could: on
    PostgreSQL that means switching triggers off (the guard) for the change. The rows the
    test wrote are checked first, as their commit would have."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def kinds(result) -> list[str]:
    return [p.kind for p in result.problems]


def test_every_history_row_is_sealed_as_it_is_written(owner, officer):
    system = make_system(owner)
    services.system_transition(actor=officer, system=system, action="start_triage")
    rows = AISystem.history.filter(id=system.pk)
    links = ChainLink.objects.filter(table=AISystem.history.model._meta.label)
    assert set(links.values_list("history_id", flat=True)) == set(rows.values_list("pk", flat=True))
    positions = list(ChainLink.objects.values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))
    result = verify_chain()
    assert result.ok, result.problems
    assert result.unsealed == 0 and result.checked == ChainLink.objects.count() == result.rows


def test_a_decimal_entered_without_its_scale_verifies(officer):
    """The regression: 20 is kept as 20.00 and must hash the same as it was sealed."""
    ms_services.objective_create(
        actor=officer,
        data={
            "title": "Fewer complaints",
            "measure": "complaints a month",
            "baseline": Decimal("35"),
            "target_value": Decimal("20"),
            "higher_is_better": False,
            "due_date": date.today() + timedelta(days=90),
        },
    )
    stored = Objective.history.get()
    assert stored.target_value == Decimal("20.00")
    result = verify_chain()
    assert result.ok, [str(p) for p in result.problems]


def test_values_hash_as_the_database_returns_them():
    field = Objective._meta.get_field("target_value")
    assert canonical.normalise(field, Decimal("20")) == canonical.normalise(field, "20.00")
    moment = Objective._meta.get_field("due_date")
    assert canonical.normalise(moment, "2026-01-02") == "2026-01-02"
    created = AISystem._meta.get_field("created_at")
    utc = timezone.now().replace(microsecond=120000)
    local = utc.astimezone(timezone.get_fixed_timezone(120))
    assert canonical.normalise(created, local) == canonical.normalise(created, utc)


def test_json_is_hashed_canonically():
    from risk.models import Classification

    field = Classification._meta.get_field("answers")
    assert canonical.normalise(field, {"b": 1.0, "a": [2, {"d": 1e16}]}) == canonical.normalise(
        field, {"a": [2, {"d": 10000000000000000}], "b": 1}
    )


def test_every_field_type_of_every_history_model_is_covered():
    assert canonical.unsupported_fields(historical_models()) == []


def test_the_demo_organisation_verifies_intact(db):
    call_command("load_demo", verbosity=0)
    result = verify_chain()
    assert result.ok, [str(p) for p in result.problems[:5]]
    assert result.unsealed == 0 and result.rows == result.checked > 300
    tables = {label for label in ChainLink.objects.values_list("table", flat=True)}
    assert len(tables) > 20  # the demo writes history in most registers


def test_every_alteration_is_reported_not_only_the_first(owner, officer, capsys):
    first_system, second_system = make_system(owner), make_system(owner, name="Second")
    for system in (first_system, second_system):
        services.system_transition(actor=officer, system=system, action="start_triage")
    early = AISystem.history.filter(id=first_system.pk).earliest("history_date")
    late = AISystem.history.filter(id=second_system.pk).latest("history_date")
    for row in (early, late):
        tamper(
            f"UPDATE {historical_table()} SET history_change_reason = %s WHERE history_id = %s",
            ["nothing to see", row.pk],
        )
    result = verify_chain()
    altered = [p for p in result.problems if p.kind == "row_altered"]
    assert {p.history_id for p in altered} == {early.pk, late.pk}
    assert all(p.table == "inventory.HistoricalAISystem" and p.position for p in altered)
    assert result.head["length"] == ChainLink.objects.count()
    with pytest.raises(SystemExit) as stopped:
        call_command("verify_audit_trail")
    assert stopped.value.code == 1
    out = capsys.readouterr().out
    assert f"row {early.pk}" in out and f"row {late.pk}" in out
    assert f"Chain head: {result.head['length']} links, hash {result.head['hash']}" in out
    with pytest.raises(SystemExit):
        call_command("verify_audit_trail", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["problem_count"] == 2
    assert report["head"] == result.head


def test_intact_trail_exits_zero_and_prints_the_head(owner, capsys):
    make_system(owner)
    call_command("verify_audit_trail")
    out = capsys.readouterr().out
    assert "Audit trail intact." in out and "Chain head:" in out


def test_a_deleted_row_and_a_removed_link_are_named(owner, officer):
    system = make_system(owner)
    services.system_transition(actor=officer, system=system, action="start_triage")
    make_system(owner, name="Later")
    row = AISystem.history.filter(id=system.pk).earliest("history_date")
    tamper(f"DELETE FROM {historical_table()} WHERE history_id = %s", [row.pk])
    link = ChainLink.objects.order_by("position")[1]
    tamper(f"DELETE FROM {ChainLink._meta.db_table} WHERE id = %s", [link.pk])
    result = verify_chain()
    assert "row_deleted" in kinds(result), [str(p) for p in result.problems]
    missing = [p for p in result.problems if p.kind == "missing_link"]
    assert missing and str(link.position) in missing[0].reason, [str(p) for p in result.problems]
    assert "unsealed" in kinds(result)  # the row whose link was removed


def test_an_altered_link_and_an_out_of_order_link_are_named(owner, officer):
    system = make_system(owner)
    services.system_transition(actor=officer, system=system, action="start_triage")
    last = ChainLink.objects.order_by("-position").first()
    tamper(
        f"UPDATE {ChainLink._meta.db_table} SET sealed_at = %s WHERE id = %s",
        [last.sealed_at - timedelta(days=3), last.pk],
    )
    result = verify_chain()
    assert {"link_altered", "out_of_order"} <= set(kinds(result))


def test_bulk_loaded_rows_are_reported_then_adopted_by_an_officer(owner, officer):
    from simple_history.utils import bulk_create_with_history

    make_system(owner)
    with transaction.atomic():  # on PostgreSQL a row must be sealed before its commit
        bulk_create_with_history([AISystem(**INTAKE_DATA, owner=owner) for _ in range(3)], AISystem)
        pending = verify_chain(check_checkpoints=False)
        assert pending.unsealed == 3 and "unsealed" in kinds(pending)
        with pytest.raises(BusinessRuleError) as refused:
            adopt_unsealed(actor=owner, reason="bulk import")
        assert refused.value.code == "permission_denied"
        with pytest.raises(BusinessRuleError) as refused:
            adopt_unsealed(actor=officer, reason="  ")
        assert refused.value.code == "reason_required"
        adoption = adopt_unsealed(actor=officer, reason="Inventory imported from the register")
    assert adoption.rows == 3
    assert ChainLink.objects.filter(adoption=adoption).count() == 3
    # the adoption itself is in the chain, sealed before the rows it adopts
    adoption_link = ChainLink.objects.get(table=TrailAdoption.history.model._meta.label)
    assert adoption_link.position < ChainLink.objects.filter(adoption=adoption).first().position
    result = verify_chain()
    assert result.ok and result.unsealed == 0


def test_adoption_refuses_rows_dated_before_the_head(owner, officer):
    from simple_history.utils import bulk_create_with_history

    make_system(owner)
    old = timezone.now() - timedelta(days=40)
    try:
        with transaction.atomic():
            bulk_create_with_history(
                [AISystem(**INTAKE_DATA, owner=owner)], AISystem, default_date=old
            )
            with pytest.raises(BusinessRuleError) as refused:
                adopt_unsealed(actor=officer, reason="forged approval")
            assert refused.value.code == "trail_backdated"
            raise RuntimeError("roll back")
    except DatabaseError as refused_by_database:  # PostgreSQL refuses the insert itself
        assert "back-dated" in str(refused_by_database)
    except RuntimeError:
        pass
    assert not TrailAdoption.objects.exists()


def test_adopt_history_command(owner, officer, capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="already sealed"):
        call_command("adopt_history", "--by", officer.username, "--reason", "import")
    with pytest.raises(CommandError, match="No user"):
        call_command("adopt_history", "--by", "ghost", "--reason", "import")
    call_command("adopt_history", "--by", officer.username, "--reason", "x", "--dry-run")
    assert "0 history rows" in capsys.readouterr().out


# --- signed checkpoints ------------------------------------------------------------------


def test_a_checkpoint_is_signed_and_kept_in_the_table_and_in_storage(
    owner, django_capture_on_commit_callbacks
):
    make_system(owner)
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint = create_checkpoint()
    assert checkpoint.position == ChainLink.objects.count()
    assert checkpoint.chain_hash == ChainLink.objects.order_by("-position")[0].chain_hash
    stored = json.loads(default_storage.open(file_name(checkpoint.sequence)).read())
    assert stored["signature"] == checkpoint.signature
    result = verify_chain()
    assert result.ok, result.problems
    assert result.checkpoints["count"] == 1
    assert result.checkpoints["latest"]["sequence"] == checkpoint.sequence


def test_a_wipe_after_a_checkpoint_is_reported(owner, officer, django_capture_on_commit_callbacks):
    system = make_system(owner)
    services.system_transition(actor=officer, system=system, action="start_triage")
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint = create_checkpoint()
    for model in historical_models():
        tamper(f"DELETE FROM {model._meta.db_table}")
    tamper(f"DELETE FROM {ChainLink._meta.db_table}")
    tamper(f"DELETE FROM {TrailCheckpoint._meta.db_table}")
    result = verify_chain()
    assert not result.ok and result.head["length"] == 0
    removed = [p for p in result.problems if p.kind == "history_removed"]
    assert removed and f"checkpoint {checkpoint.sequence}" in removed[0].reason
    assert "checkpoint_missing" in kinds(result)  # the file outlived the table


def test_a_rewritten_chain_is_reported_against_the_checkpoint(
    owner, officer, django_capture_on_commit_callbacks
):
    system = make_system(owner)
    with django_capture_on_commit_callbacks(execute=True):
        create_checkpoint()
    services.system_transition(actor=officer, system=system, action="start_triage")
    # rebuild the whole chain consistently from a forged first row: only the checkpoint knows
    from audits.trail.chain import GENESIS, link_hash

    tamper(f"UPDATE {historical_table()} SET name = 'forged'")
    links = list(ChainLink.objects.order_by("position"))
    prev = GENESIS
    for link in links:
        model = next(m for m in historical_models() if m._meta.label == link.table)
        row = model.objects.get(pk=link.history_id)
        digest = canonical.row_digest(row)
        chained = link_hash(prev, link.position, link.table, link.history_id, digest,
                            link.sealed_at, None)  # fmt: skip
        tamper(
            f"UPDATE {ChainLink._meta.db_table} SET row_hash=%s, prev_hash=%s, chain_hash=%s "
            "WHERE id=%s",
            [digest, prev, chained, link.pk],
        )
        prev = chained
    result = verify_chain()
    assert kinds(result) == ["history_rewritten"]


def test_a_checkpoint_file_lost_to_a_storage_outage_is_written_again(
    owner, django_capture_on_commit_callbacks
):
    make_system(owner)
    with django_capture_on_commit_callbacks(execute=False):
        first = create_checkpoint()  # its commit never wrote the file
    assert "checkpoint_missing" in kinds(verify_chain())
    with django_capture_on_commit_callbacks(execute=True):
        create_checkpoint()
    assert default_storage.exists(file_name(first.sequence))
    assert verify_chain().ok


def test_a_forged_checkpoint_file_is_reported(owner, django_capture_on_commit_callbacks):
    make_system(owner)
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint = create_checkpoint()
    name = file_name(checkpoint.sequence)
    data = json.loads(default_storage.open(name).read())
    data["position"] = checkpoint.position + 5
    default_storage.delete(name)
    default_storage.save(name, ContentFile(json.dumps(data).encode()))
    result = verify_chain()
    assert {"checkpoint_mismatch", "checkpoint_signature"} <= set(kinds(result))


def test_the_scheduled_task_signs_a_checkpoint(owner):
    from django_celery_beat.models import PeriodicTask

    from audits.tasks import sign_trail_checkpoint

    make_system(owner)
    assert PeriodicTask.objects.filter(task="audits.tasks.sign_trail_checkpoint").exists()
    sign_trail_checkpoint.delay()
    assert TrailCheckpoint.objects.get().occasion == TrailCheckpoint.Occasion.SCHEDULED


# --- who may verify ---------------------------------------------------------------------


def test_api_verifies_for_officers_and_auditors_only(api_as, officer, auditor, owner, approver):
    make_system(owner)
    url = reverse("api:audit-trail-verify")
    for user in (officer, auditor):
        body = api_as(user).get(url).json()
        assert body["ok"] is True and body["checked"] >= 1
        assert body["head"]["length"] == ChainLink.objects.count()
        assert body["problems"] == [] and body["problem_count"] == 0
    for user in (owner, approver):
        assert api_as(user).get(url).status_code == 403


def test_api_lists_every_problem(api_as, auditor, owner):
    make_system(owner)
    make_system(owner, name="Another")
    tamper(f"UPDATE {historical_table()} SET name = 'forged'")
    body = api_as(auditor).get(reverse("api:audit-trail-verify")).json()
    assert body["ok"] is False and body["problem_count"] == 2
    assert {p["kind"] for p in body["problems"]} == {"row_altered"}
    assert body["first_broken"]["table"] == "inventory.HistoricalAISystem"


# --- PostgreSQL refuses ---------------------------------------------------------------------


def refused(sql: str, params: list | None = None, match: str = "") -> None:
    with connection.cursor() as cursor:  # the test's own rows are checked, as at their commit
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params or [])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred checks fire now


@POSTGRES
def test_postgresql_refuses_update_delete_and_truncate(owner, django_capture_on_commit_callbacks):
    system = make_system(owner)
    with django_capture_on_commit_callbacks(execute=True):
        create_checkpoint()
    row = AISystem.history.get(id=system.pk)
    chain, checkpoints = ChainLink._meta.db_table, TrailCheckpoint._meta.db_table
    for sql in (
        f"UPDATE {historical_table()} SET name = 'forged' WHERE history_id = %s",
        f"DELETE FROM {historical_table()} WHERE history_id = %s",
        f"DELETE FROM {chain} WHERE history_id = %s",
        f"UPDATE {chain} SET row_hash = 'x' WHERE history_id = %s",
    ):
        refused(sql, [row.pk], "append-only")
    for table in (historical_table(), chain, checkpoints, TrailAdoption._meta.db_table):
        refused(f"TRUNCATE {table} CASCADE", match="append-only")
    refused(f"UPDATE {checkpoints} SET position = 0", match="append-only")
    refused(f"DELETE FROM {checkpoints}", match="append-only")
    row.refresh_from_db()
    assert row.name == system.name and verify_chain().ok


@POSTGRES
def test_postgresql_refuses_unsealed_backdated_and_forked_rows(owner):
    system = make_system(owner)
    row = AISystem.history.get(id=system.pk)
    columns = [f.column for f in AISystem.history.model._meta.concrete_fields if not f.primary_key]
    names = ", ".join(columns)

    def copy(date_sql: str) -> str:
        values = ", ".join(date_sql if c == "history_date" else c for c in columns)
        return f"INSERT INTO {historical_table()} ({names}) SELECT {values} FROM " \
               f"{historical_table()} WHERE history_id = {row.pk}"  # fmt: skip

    refused(copy("now() - interval '30 days'"), match="back-dated")
    refused(copy("now()"), match="not sealed")
    last = ChainLink.objects.order_by("-position").first()
    refused(
        f'INSERT INTO {ChainLink._meta.db_table} (position, "table", history_id, row_hash, '
        "prev_hash, chain_hash, sealed_at) VALUES (%s, 'x', 1, 'a', %s, 'c', now())",
        [last.position, last.prev_hash],
        "does not follow",
    )
    assert verify_chain().ok


# --- the audit-trail page and API ---------------------------------------------------------


def test_the_trail_page_shows_the_head_the_key_and_checkpoints(
    client_as, officer, auditor, django_capture_on_commit_callbacks
):
    from audits.trail import signing

    page = client_as(auditor).get(reverse("audits:trail"))
    assert page.status_code == 200
    html = page.content.decode()
    assert signing.key_id() in html and "No checkpoint signed yet" in html
    assert "Sign a checkpoint now" not in html  # auditors read, they do not sign
    with django_capture_on_commit_callbacks(execute=True):
        signed = client_as(officer).post(reverse("audits:trail"), follow=True)
    assert "Checkpoint 1 signed" in signed.content.decode()
    assert TrailCheckpoint.objects.get().occasion == TrailCheckpoint.Occasion.MANUAL
    verified = client_as(auditor).get(reverse("audits:trail") + "?verify=1").content.decode()
    assert "Intact:" in verified and "consistent with signed checkpoint 1" in verified


def test_the_trail_page_lists_problems(client_as, auditor, owner):
    make_system(owner)
    tamper(f"UPDATE {historical_table()} SET name = 'forged'")
    html = client_as(auditor).get(reverse("audits:trail") + "?verify=1").content.decode()
    assert "Broken: 1 problem" in html and "the history row was altered" in html


def test_api_checkpoints_public_key_and_adoptions(
    api_as, officer, auditor, owner, django_capture_on_commit_callbacks
):
    from audits.trail import signing

    make_system(owner)
    key = api_as(auditor).get(reverse("api:audit-trail-public-key")).json()
    assert key["key_id"] == signing.key_id() and "BEGIN PUBLIC KEY" in key["public_key"]
    assert api_as(auditor).post(reverse("api:audit-trail-checkpoint-list")).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        created = api_as(officer).post(reverse("api:audit-trail-checkpoint-list"))
    assert created.status_code == 201 and created.json()["position"] == ChainLink.objects.count()
    listed = api_as(auditor).get(reverse("api:audit-trail-checkpoint-list")).json()
    assert listed["count"] == 1 and listed["results"][0]["signature"]
    url = reverse("api:audit-trail-adoption-list")
    nothing = api_as(officer).post(url, {"reason": "import"}, format="json")
    assert nothing.status_code == 400 and nothing.json()["code"] == "nothing_to_adopt"
    blank = api_as(officer).post(url, {"reason": ""}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()["extra"]["fields"]
    from ..factories import write_unsealed_history

    write_unsealed_history(owner, 2)
    assert api_as(auditor).post(url, {"reason": "import"}, format="json").status_code == 403
    adopted = api_as(officer).post(url, {"reason": "Imported register"}, format="json")
    assert adopted.status_code == 201 and adopted.json()["rows"] == 2
    assert verify_chain().ok


@POSTGRES
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # leaves the data as found
def test_a_long_chain_is_walked_in_parallel_with_the_same_findings(owner, officer, monkeypatch):
    from audits.trail import verify

    monkeypatch.setattr(verify, "PARALLEL_FROM", 0)
    systems = [make_system(owner, name=f"System {i}") for i in range(5)]
    for system in systems:
        services.system_transition(actor=officer, system=system, action="start_triage")
    serial, parallel = verify_chain(), verify_chain(workers=3)
    assert parallel.ok and parallel.head == serial.head
    assert parallel.checked == serial.checked == ChainLink.objects.count()
    middle = ChainLink.objects.order_by("position")[ChainLink.objects.count() // 2]
    altered = AISystem.history.filter(id=systems[0].pk).earliest("history_date")
    with transaction.atomic():
        tamper(f"DELETE FROM {ChainLink._meta.db_table} WHERE id = %s", [middle.pk])
        tamper(f"UPDATE {historical_table()} SET name = 'x' WHERE history_id = %s", [altered.pk])
    found = verify_chain(workers=3)
    assert {"missing_link", "row_altered", "unsealed"} <= set(kinds(found))
    assert sorted(kinds(found)) == sorted(kinds(verify_chain()))
