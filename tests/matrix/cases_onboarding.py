"""Role-matrix rows for the first run (/start/ and its API): governance officers walk it;
every role reads the organisation profile; approvers and auditors read where the first run
and the gap assessment stand; nobody else writes."""

from aims.models import OrganisationProfile
from aims.ms import services as ms_services
from audits.models import ControlStatement

from .framework import Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
OFFICER_ONLY            = expect("login    403    403   403         ok      403      403")
API_PROFILE_READ        = expect("401      403    ok    ok          ok      ok       ok")
API_FIRST_RUN_READ      = expect("401      403    403   403         ok      ok       ok")
API_OFFICER_ONLY        = expect("401      403    403   403         ok      403      403")
# fmt: on

PROFILE = {
    "legal_name": "Matrix Ltd",
    "sector": "technology",
    "size_band": "10-49",
    "countries": "France",
    "contact_name": "Matrix contact",
    "contact_email": "matrix@example.org",
}


def profile(w: World) -> None:
    if ms_services.organisation_profile_current() is None:
        ms_services.organisation_profile_save(actor=w.officer, data=PROFILE)


def legal_name(w: World):
    return OrganisationProfile.objects.values_list("legal_name", flat=True).first()


def frameworks(w: World):
    return OrganisationProfile.objects.values_list("frameworks", flat=True).first()


def status_of_4_1(w: World) -> str:
    return ControlStatement.objects.get(item__code="4.1").implementation_status


def systems_named(w: World) -> int:
    from inventory.models import AISystem

    return AISystem.objects.filter(name="Matrix stock").count()


def stock(w: World) -> dict:
    data = {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "add": "1"}
    data.update({"rows-0-name": "Matrix stock", "rows-0-purpose": "Counts", "rows-0-owner": "",
                 "rows-0-deployment_type": "in_house", "rows-0-vendor": "",
                 "rows-0-status": "in_use"})  # fmt: skip
    return data


def section_4(w: World) -> dict:
    statements = [s for s in ControlStatement.objects.filter(
        item__is_heading=False, item__code__regex=r"^4\.").order_by("item__sort_key")]  # fmt: skip
    data = {"gap-TOTAL_FORMS": str(len(statements)), "gap-INITIAL_FORMS": str(len(statements)),
            "next": "1"}  # fmt: skip
    for i, st in enumerate(statements):
        data[f"gap-{i}-code"] = st.item.code
        data[f"gap-{i}-status"] = "implemented" if st.item.code == "4.1" else ""
    return data


def plan_reached(w: World) -> bool:
    from audits.models import FirstRun

    record = FirstRun.objects.first()
    return bool(record and "plan" in record.steps_done)


# fmt: off
CASES = [
    Case("onboarding:start", "GET", OFFICER_ONLY),
    Case("onboarding:profile", "GET", OFFICER_ONLY),
    Case("onboarding:profile", "POST", OFFICER_ONLY, data=lambda w: PROFILE, effect=legal_name),
    Case("onboarding:scope", "GET", OFFICER_ONLY, setup=profile),
    Case("onboarding:scope", "POST", OFFICER_ONLY, setup=profile,
         data=lambda w: {"statement": "Matrix scope", "frameworks": ["iso27001"]},
         effect=frameworks),
    Case("onboarding:systems", "GET", OFFICER_ONLY),
    Case("onboarding:systems", "POST", OFFICER_ONLY, data=stock, effect=systems_named),
    Case("onboarding:assessment", "GET", OFFICER_ONLY),
    Case("onboarding:assessment_section", "GET", OFFICER_ONLY, kwargs=lambda w: {"code": "A.2"}),
    Case("onboarding:assessment_section", "POST", OFFICER_ONLY, kwargs=lambda w: {"code": "4"},
         data=section_4, effect=status_of_4_1),
    Case("onboarding:plan", "GET", OFFICER_ONLY),
    Case("onboarding:plan", "POST", OFFICER_ONLY, effect=plan_reached),
    Case("api:organisation-profile", "GET", API_PROFILE_READ, setup=profile),
    Case("api:organisation-profile", "PATCH", API_OFFICER_ONLY, setup=profile,
         data=lambda w: {**PROFILE, "legal_name": "Matrix API Ltd"}, effect=legal_name),
    Case("api:first-run", "GET", API_FIRST_RUN_READ),
    Case("api:gap-assessment", "GET", API_FIRST_RUN_READ),
    Case("api:gap-assessment", "POST", API_OFFICER_ONLY,
         data=lambda w: {"answers": [{"code": "4.1", "status": "implemented"}]},
         effect=status_of_4_1),
]
# fmt: on
