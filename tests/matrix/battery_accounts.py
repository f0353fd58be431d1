"""History battery entry for service accounts: created by an officer, through the service and
the API."""

from django.db.models import Model

from aims.accounts import services
from aims.accounts.models import ServiceAccount
from aims.roles import OWNER

from .battery_framework import Entry, api, by_id

BATTERY: dict[type[Model], Entry] = {
    ServiceAccount: Entry(
        actor="officer",
        stage="intake_submitted",
        create=lambda w: services.service_account_create(
            actor=w.officer, name="Battery bridge", description="", owner=w.owner, roles=[OWNER]
        ),
        api_create=lambda w: (
            "post",
            api("serviceaccount-list"),
            {"name": "Battery API bridge", "owner": w.owner.pk, "roles": [OWNER]},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("serviceaccount-list"),
            {"name": "", "owner": w.owner.pk, "roles": ["Nobody role"]},
            "json",
        ),
        api_result=by_id(ServiceAccount),
    ),
}
