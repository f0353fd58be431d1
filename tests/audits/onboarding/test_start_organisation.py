"""``manage.py start_organisation``: the first officer on an empty database."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from aims.roles import OFFICER
from audits.onboarding.services import can_run_first_run

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_creates_the_first_officer_and_prints_the_start_address(capsys):
    call_command(
        "start_organisation",
        username="alice",
        email="alice@example.org",
        password="Long-enough-pass-42",
        url="http://aims.example.org",
    )
    out = capsys.readouterr().out
    assert "Open http://aims.example.org/start/ and sign in as alice." in out
    alice = User.objects.get(username="alice")
    assert alice.groups.filter(name=OFFICER).exists() and can_run_first_run(alice)
    assert alice.check_password("Long-enough-pass-42")


def test_password_from_the_environment_and_a_rerun_keeps_it(monkeypatch, capsys):
    monkeypatch.setenv("AIMS_OFFICER_PASSWORD", "From-the-env-2026")
    call_command("start_organisation", username="bob", email="bob@example.org")
    call_command("start_organisation", username="bob", email="bob@example.org", password="x")
    bob = User.objects.get(username="bob")
    assert bob.check_password("From-the-env-2026")
    assert "password unchanged" in capsys.readouterr().out


def test_refuses_a_weak_password_and_a_bad_email():
    with pytest.raises(CommandError, match="password"):
        call_command("start_organisation", username="c", email="c@example.org", password="abc")
    with pytest.raises(CommandError, match="email"):
        call_command("start_organisation", username="c", email="nope", password="Good-pass-2026")
    assert not User.objects.filter(username="c").exists()
