"""The first run's pages (/start/): officers only, each step saved on submit, resumable,
bad input shown on the form with nothing saved."""

import pytest
from django.urls import reverse

from aims.models import AIMSScope, OrganisationProfile
from audits.models import ControlStatement, FirstRun
from audits.onboarding import selectors, services
from inventory.models import AISystem

from .test_services import PROFILE

pytestmark = pytest.mark.django_db


def stock_post(rows: list[dict], finish: bool = False) -> dict:
    data = {
        "rows-TOTAL_FORMS": str(max(3, len(rows))),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "20",
        "finish" if finish else "add": "1",
    }
    for i in range(max(3, len(rows))):
        r = rows[i] if i < len(rows) else {}
        data.update(
            {
                f"rows-{i}-name": r.get("name", ""),
                f"rows-{i}-purpose": r.get("purpose", ""),
                f"rows-{i}-owner": r.get("owner", ""),
                f"rows-{i}-deployment_type": r.get("deployment_type", "in_house"),
                f"rows-{i}-vendor": r.get("vendor", ""),
                f"rows-{i}-status": r.get("status", "in_use"),
            }
        )
    return data


@pytest.mark.parametrize("role", ["owner", "auditor", "approver", "nobody"])
def test_only_officers_open_the_first_run(request, client_as, role):
    client = client_as(request.getfixturevalue(role))
    for name in ("start", "profile", "scope", "systems", "plan"):
        assert client.get(reverse(f"onboarding:{name}")).status_code == 403
    assert client.post(reverse("onboarding:profile"), PROFILE).status_code == 403
    assert not OrganisationProfile.objects.exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("onboarding:start"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_steps_save_and_resume(client_as, officer, owner):
    client = client_as(officer)
    page = client.get(reverse("onboarding:start"))
    assert b"Start with step 1" in page.content

    response = client.post(reverse("onboarding:profile"), PROFILE)
    assert response.status_code == 302 and response["Location"] == reverse("onboarding:scope")
    response = client.post(
        reverse("onboarding:scope"),
        {"statement": "All our AI", "frameworks": ["iso42001", "eu_ai_act"], "owner": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AIMSScope.objects.get().owner == officer
    assert OrganisationProfile.objects.get().frameworks == ["iso42001", "eu_ai_act"]

    # Step c: add one system, leave, and come back: it is listed, the steps say where we are.
    rows = [{"name": "Ticket triage", "purpose": "Routes tickets", "owner": owner.pk}]
    response = client.post(reverse("onboarding:systems"), stock_post(rows))
    assert response.status_code == 302 and response["Location"] == reverse("onboarding:systems")
    start = client.get(reverse("onboarding:start"))
    assert b"Continue with step 3" in start.content
    page = client.get(reverse("onboarding:systems"))
    assert b"Ticket triage" in page.content and b"In use" in page.content
    profile_page = client.get(reverse("onboarding:profile"))
    assert b"Northwind Analytics Ltd" in profile_page.content  # going back shows what was saved
    scope_page = client.get(reverse("onboarding:scope"))
    assert b"All our AI" in scope_page.content

    response = client.post(
        reverse("onboarding:systems"), stock_post([{"name": "Forecast", "purpose": "Sales"}], True)
    )
    assert response["Location"] == reverse("onboarding:assessment")
    assert AISystem.objects.count() == 2
    assert {s.key: s.status for s in selectors.first_run_progress()}["systems"] == "done"


def test_bad_input_is_shown_and_nothing_is_saved(client_as, officer):
    client = client_as(officer)
    response = client.post(reverse("onboarding:profile"), {**PROFILE, "legal_name": ""})
    assert response.status_code == 400 and b"This field is required" in response.content
    assert not OrganisationProfile.objects.exists()

    response = client.post(reverse("onboarding:scope"), {"statement": "x", "frameworks": ["x"]})
    assert response.status_code == 400
    assert not AIMSScope.objects.exists()

    rows = [{"name": "Only a name"}, {"name": "Second", "purpose": "ok"}]
    response = client.post(reverse("onboarding:systems"), stock_post(rows))
    assert response.status_code == 400 and b"Say what the system does" in response.content
    assert not AISystem.objects.exists()


def gap_post(section, answers: dict[str, str], button: str = "next") -> dict:
    statements = section.statements
    data = {
        "gap-TOTAL_FORMS": str(len(statements)),
        "gap-INITIAL_FORMS": str(len(statements)),
        "gap-MIN_NUM_FORMS": "0",
        "gap-MAX_NUM_FORMS": "1000",
        button: "1",
    }
    for i, st in enumerate(statements):
        data[f"gap-{i}-code"] = st.item.code
        data[f"gap-{i}-status"] = answers.get(st.item.code, "")
        data[f"gap-{i}-owner"] = ""
        data[f"gap-{i}-evidence_note"] = f"Note {st.item.code}" if st.item.code in answers else ""
    return data


def test_the_assessment_is_saved_section_by_section(client_as, officer):
    client = client_as(officer)
    response = client.get(reverse("onboarding:assessment"))
    assert response["Location"] == reverse("onboarding:assessment_section", args=["4"])
    section = selectors.gap_sections()[0]
    page = client.get(response["Location"])
    assert f"0 of {selectors.gap_counts()[1]}".encode() in page.content

    answers = {st.item.code: "partly" for st in section.statements}
    response = client.post(
        reverse("onboarding:assessment_section", args=["4"]), gap_post(section, answers)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("onboarding:assessment_section", args=["5"])
    st = ControlStatement.objects.get(item__code=section.statements[0].item.code)
    assert st.implementation_status == "partial"
    assert st.implementation_notes == f"Note {st.item.code}"
    assert selectors.gap_counts()[0] == len(section.statements)
    # Coming back to the assessment resumes at the first section not finished.
    assert client.get(reverse("onboarding:assessment"))["Location"].endswith("/5/")
    again = client.get(reverse("onboarding:assessment_section", args=["4"]))
    assert b'value="partly" selected' in again.content


def test_a_tampered_status_is_a_form_error(client_as, officer):
    client = client_as(officer)
    section = selectors.gap_sections()[0]
    code = section.statements[0].item.code
    response = client.post(
        reverse("onboarding:assessment_section", args=["4"]), gap_post(section, {code: "mostly"})
    )
    assert response.status_code == 400
    assert not FirstRun.objects.exists()


def test_an_unknown_section_is_404(client_as, officer):
    assert client_as(officer).get("/start/assessment/99/").status_code == 404


def test_the_plan_step_counts_gaps_and_links_to_the_plan(client_as, officer):
    services.gap_assess(
        actor=officer,
        answers=[
            services.GapAnswer(code="4.1", status="implemented"),
            services.GapAnswer(code="4.2", status="not"),
        ],
    )
    page = client_as(officer).get(reverse("onboarding:plan"))
    assert page.status_code == 200
    total = selectors.gap_counts()[1]
    assert f'id="gap-total">{total - 1}<'.encode() in page.content
    assert reverse("plan:generate").encode() in page.content
    assert reverse("plan:progress").encode() in page.content
    assert "plan" not in FirstRun.objects.get().steps_done  # a read writes nothing
    response = client_as(officer).post(reverse("onboarding:plan"))
    assert response.status_code == 302
    assert "plan" in FirstRun.objects.get().steps_done


def test_dashboard_leads_an_empty_organisation_to_start(client_as, officer, owner):
    page = client_as(officer).get("/")
    assert b'id="first-run-panel"' in page.content and b"Start the first run" in page.content
    assert b'id="first-run-panel"' not in client_as(owner).get("/").content


def test_dashboard_has_no_first_run_panel_for_an_organisation_with_records(
    client_as, officer, system
):
    assert b'id="first-run-panel"' not in client_as(officer).get("/").content
