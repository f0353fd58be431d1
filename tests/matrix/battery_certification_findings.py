"""History battery entries for the certification body's findings and our responses. The
audit they stand on is written with the ORM, stamped as the officer's."""

from datetime import timedelta

from django.db.models import Model
from django.utils import timezone

from audits.certification import findings as services
from audits.models import ExternalFinding, FindingResponse

from .battery_framework import Entry, api, by_id
from .cases_certification_findings import clause, make_audit, response_data
from .world import World


def _due():
    return timezone.localdate() + timedelta(days=20)


def finding_data(w: World, audit_pk: int | None = None, **overrides) -> dict:
    data = {
        "audit": audit_pk or make_audit(w.officer).pk,
        "kind": "major",
        "title": "Battery finding",
        "description": "Seen",
        "clauses": [clause().code],
        "response_due": _due().isoformat(),
        "owner": w.owner.pk,
    }
    data.update(overrides)
    return data


def finding(w: World) -> ExternalFinding:
    return services.record_finding(
        audit=make_audit(w.officer),
        actor=w.officer,
        kind=ExternalFinding.Kind.MAJOR,
        title="Battery finding",
        description="Seen",
        clauses=[clause()],
        response_due=_due(),
        owner=w.owner,
    )


def response(w: World) -> FindingResponse:
    data = {**response_data(), "sent_on": timezone.localdate()}
    return services.send_response(finding=finding(w), actor=w.officer, **data)


BATTERY: dict[type[Model], Entry] = {
    ExternalFinding: Entry(
        actor="officer",
        stage="approved_for_development",
        create=finding,
        api_create=lambda w: ("post", api("externalfinding-list"), finding_data(w), "json"),
        # Bad input that writes nothing first: no audit is made for it.
        api_bad=lambda w: (
            "post",
            api("externalfinding-list"),
            finding_data(w, audit_pk=999999, clauses=["9.9.9"]),
            "json",
        ),
        api_result=by_id(ExternalFinding),
    ),
    FindingResponse: Entry(
        actor="officer",
        stage="approved_for_development",
        create=response,
        api_create=lambda w: (
            "post",
            api("externalfinding-respond", finding(w).pk),
            response_data(),
            "json",
        ),
        # The shape is checked before the finding is looked up, so no finding is needed.
        api_bad=lambda w: (
            "post",
            api("externalfinding-respond", 999999),
            {**response_data(), "sent_on": "yesterday"},
            "json",
        ),
        api_result=by_id(FindingResponse),
    ),
}
