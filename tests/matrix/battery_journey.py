"""History battery entry for intake drafts (journey): the owner saves the first step of a
guided intake, through the service and through the API."""

from inventory.models import IntakeDraft
from inventory.services.drafts import draft_save

from .battery_framework import Entry, api, by_id

STEP1 = {
    "name": "Battery draft",
    "purpose": "Sort incoming requests",
    "expected_benefit": "Faster answers",
    "business_unit": "operations",
    "intended_users": "Clerks",
    "affected_groups": "Customers",
}

BATTERY = {
    IntakeDraft: Entry(
        actor="owner",
        stage="intake_submitted",
        create=lambda w: draft_save(actor=w.owner, answers=STEP1, step=1),
        api_create=lambda w: (
            "post",
            api("intakedraft-list"),
            {"step": 1, "answers": STEP1},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("intakedraft-list"),
            {"step": 1, "answers": {"name": ""}},
            "json",
        ),
        api_result=by_id(IntakeDraft),
    ),
}
