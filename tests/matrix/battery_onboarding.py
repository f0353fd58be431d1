"""History battery entries for the first run: the organisation profile (aims) and the first
run's own record (audits.FirstRun, written by the gap assessment's API)."""

from django.db.models import Model

from aims.models import OrganisationProfile
from aims.ms import services as ms_services
from audits.models import FirstRun
from audits.onboarding import services as onboarding_services

from .battery_framework import Entry

PROFILE = {
    "legal_name": "Battery Ltd",
    "sector": "health",
    "size_band": "1-9",
    "countries": "Spain",
    "contact_name": "Battery contact",
    "contact_email": "battery@example.org",
}
GAP_URL = "/api/v1/gap-assessment/"


BATTERY: dict[type[Model], Entry] = {
    OrganisationProfile: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: ms_services.organisation_profile_save(actor=w.officer, data=PROFILE),
        api_create=lambda w: ("put", "/api/v1/organisation-profile/", PROFILE, "json"),
        api_bad=lambda w: (
            "put",
            "/api/v1/organisation-profile/",
            {**PROFILE, "frameworks": ["astrology"]},
            "json",
        ),
        api_result=lambda body: OrganisationProfile.objects.get(pk=body["id"]),
    ),
    FirstRun: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: onboarding_services.first_run_mark_step(actor=w.officer, step="systems"),
        api_create=lambda w: (
            "post",
            GAP_URL,
            {"answers": [{"code": "4.1", "status": "partly"}]},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            GAP_URL,
            {"answers": [{"code": "4.1", "status": "sometimes"}]},
            "json",
        ),
        api_result=lambda body: FirstRun.objects.get(),
    ),
}
