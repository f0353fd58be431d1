"""The demo-data loader: idempotent, realistic, and made only of service-created records."""

from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone
from guardian.models import UserObjectPermission

from aims.models import Notification
from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER
from inventory.models import (
    AISystem,
    Approval,
    ChangeRequest,
    Component,
    Dataset,
    LifecycleStage,
    ValidationRecord,
)
from inventory.services import release_blockers

User = get_user_model()

DEMO_ROLES = {
    "officer": OFFICER,
    "approver": APPROVER,
    "approver2": APPROVER,
    "owner": OWNER,
    "owner2": OWNER,
    "auditor": AUDITOR,
}


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # Real PBKDF2 costs ~0.25 s per user and per run; the loader's logic is the same.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load(**kwargs) -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, **kwargs)
    return out.getvalue()


def snapshot() -> dict[str, int]:
    """Row counts of every table the loader writes to, history tables included."""
    counts = {
        "users": User.objects.count(),
        "memberships": User.groups.through.objects.count(),
        "object permissions": UserObjectPermission.objects.count(),
        "notifications": Notification.objects.count(),
    }
    for model in apps.get_app_config("inventory").get_models():
        counts[model._meta.label] = model._default_manager.count()
    counts["password hashes"] = hash(tuple(User.objects.order_by("pk").values_list("password")))
    return counts


@pytest.fixture
def demo(db):
    return load()


@pytest.mark.django_db
def test_second_run_changes_nothing(demo):
    before = snapshot()
    assert before["inventory.HistoricalAISystem"] > before["inventory.AISystem"]

    output = load()

    assert snapshot() == before
    assert "0 created or updated" in output
    assert "0 created, " in output


@pytest.mark.django_db
def test_output_lists_logins_and_url(demo):
    assert "AIMS_DEMO_PASSWORD" in demo
    assert "http://127.0.0.1:8000/" in demo
    for username, role in DEMO_ROLES.items():
        line = next(row for row in demo.splitlines() if row.strip().startswith(username + " "))
        assert role in line
        assert settings.AIMS_DEMO_PASSWORD in line


@pytest.mark.django_db
def test_output_names_the_address_make_run_serves(demo):
    # `make run PORT=18803` passes its address: the one printed is the one served.
    assert "Open http://127.0.0.1:18803/ " in load(url="http://127.0.0.1:18803/")


@pytest.mark.django_db
def test_demo_users_log_in_with_the_demo_password_and_hold_their_role(demo):
    for username, role in DEMO_ROLES.items():
        user = authenticate(username=username, password=settings.AIMS_DEMO_PASSWORD)
        assert user is not None, username
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.email == f"{username}@example.org"
        assert user.first_name and user.last_name
        assert not user.is_superuser
    admin = authenticate(username="admin", password=settings.AIMS_DEMO_PASSWORD)
    assert admin is not None and admin.is_superuser and admin.is_staff


@pytest.mark.django_db
def test_changing_the_demo_password_takes_effect_once(demo, settings):
    settings.AIMS_DEMO_PASSWORD = "another-demo-pass-9"
    systems = AISystem.history.count()

    assert "7 created or updated" in load()
    assert authenticate(username="owner", password="another-demo-pass-9") is not None
    assert authenticate(username="owner", password="aims-demo-2026") is None
    assert "0 created or updated" in load()
    assert AISystem.history.count() == systems


@pytest.mark.django_db
def test_a_drifted_demo_user_is_put_back(demo):
    owner = User.objects.get(username="owner")
    owner.groups.clear()
    owner.is_active = False
    owner.save()

    load()

    owner.refresh_from_db()
    assert owner.is_active
    assert list(owner.groups.values_list("name", flat=True)) == [OWNER]


@pytest.mark.django_db
def test_owners_own_disjoint_sets_of_systems(demo):
    mine = set(AISystem.objects.filter(owner__username="owner").values_list("pk", flat=True))
    theirs = set(AISystem.objects.filter(owner__username="owner2").values_list("pk", flat=True))
    assert mine and theirs
    assert not mine & theirs
    assert AISystem.objects.exclude(owner__username__in=["owner", "owner2"]).count() == 0


@pytest.mark.django_db
def test_the_organisation_is_varied(demo):
    systems = AISystem.objects.all()
    assert 14 <= systems.count() <= 18
    assert len(set(systems.values_list("name", flat=True))) == systems.count()
    assert len(set(systems.values_list("business_unit", flat=True))) >= 6
    stages = set(systems.values_list("lifecycle_stage", flat=True))
    assert len(stages) >= 6
    for stage in (
        LifecycleStage.INTAKE_SUBMITTED,
        LifecycleStage.IN_TRIAGE,
        LifecycleStage.CHANGES_REQUESTED,
        LifecycleStage.REJECTED,
        LifecycleStage.APPROVED_FOR_DEVELOPMENT,
        LifecycleStage.IN_VALIDATION,
        LifecycleStage.DEPLOYED,
        LifecycleStage.RETIRED,
    ):
        assert stage in stages, stage
    assert systems.filter(lifecycle_stage=LifecycleStage.DEPLOYED).count() >= 4
    assert len(set(systems.values_list("deployment_type", flat=True))) >= 4
    assert len(set(systems.values_list("ai_technique", flat=True))) >= 4
    assert Component.objects.exclude(provider="").values("provider").distinct().count() >= 5
    assert Dataset.objects.exclude(licence="").exclude(quality_checks="").count() >= 8


@pytest.mark.django_db
def test_no_approval_was_given_by_the_systems_owner(demo):
    approvals = Approval.objects.all()
    assert approvals.exists()
    assert not approvals.filter(approver_id=F("system__owner_id")).exists()
    assert set(approvals.values_list("approver__username", flat=True)) <= {
        "approver",
        "approver2",
    }


@pytest.mark.django_db
def test_deployed_systems_are_validated_and_have_review_dates(demo):
    deployed = AISystem.objects.filter(lifecycle_stage=LifecycleStage.DEPLOYED)
    today = timezone.localdate()
    for system in deployed:
        passing = ValidationRecord.objects.filter(
            system=system, result=ValidationRecord.Result.PASS
        )
        assert passing.exists(), system.name
        assert release_blockers(system) == [], system.name
        assert system.next_review_date is not None, system.name
    assert deployed.filter(next_review_date__lt=today).exists()  # "reviews overdue"
    assert deployed.filter(next_review_date__gte=today).exists()


@pytest.mark.django_db
def test_change_requests_tell_both_stories(demo):
    # A material change that went back through the release gate and was released again...
    released = ChangeRequest.objects.get(status=ChangeRequest.Status.RELEASED)
    assert released.is_material
    assert released.system.lifecycle_stage == LifecycleStage.DEPLOYED
    assert released.system.release_round == 2
    stages = list(
        released.system.history.order_by("history_id").values_list("lifecycle_stage", flat=True)
    )
    assert stages.count(LifecycleStage.IN_VALIDATION) >= 2
    # ...one still under review, and a non-material one that left its system deployed.
    pending = ChangeRequest.objects.get(status=ChangeRequest.Status.IN_RELEASE_REVIEW)
    assert pending.system.lifecycle_stage == LifecycleStage.IN_VALIDATION
    # (The supplier demo's vendor notice adds "vendor change" requests of its own.)
    recorded = ChangeRequest.objects.exclude(kind=ChangeRequest.Kind.VENDOR_CHANGE).get(
        status=ChangeRequest.Status.RECORDED
    )
    assert not recorded.is_material
    assert recorded.system.lifecycle_stage == LifecycleStage.DEPLOYED


@pytest.mark.django_db
def test_history_names_a_real_actor_everywhere(demo):
    for model in (AISystem, Component, Dataset, Approval, ValidationRecord, ChangeRequest):
        history = model.history.all()
        assert history.exists(), model.__name__
        assert not history.filter(history_user__isnull=True).exists(), model.__name__
        assert not history.filter(history_change_reason__isnull=True).exists()
    intake = AISystem.history.filter(history_type="+")
    assert not intake.exclude(history_user_id=F("owner_id")).exists()


@pytest.mark.django_db
def test_existing_systems_are_left_alone(demo):
    system = AISystem.objects.get(name="Customer support chatbot")
    system.delete()
    remaining = AISystem.objects.count()

    output = load()

    assert AISystem.objects.count() == remaining + 1
    assert "1 created, " in output
    assert AISystem.objects.get(name="Customer support chatbot").lifecycle_stage == (
        LifecycleStage.DEPLOYED
    )


@pytest.mark.django_db
def test_refuses_to_run_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        load()
    assert not User.objects.filter(username="officer").exists()
