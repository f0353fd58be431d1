"""Role-matrix rows for the evidence library (web pages under /evidence/ and
/api/v1/evidence-library/). The evidence is the world's file on the target system."""

from aims.models import Evidence

from .framework import (
    API_CREATE_UNDER_SYSTEM,
    API_LOGGED_IN,
    API_SYSTEM_CHANGE,
    API_SYSTEM_READ,
    LOGGED_IN,
    SYSTEM_CHANGE,
    SYSTEM_READ,
    Case,
    is_evidence_file,
)
from .world import World


def ev_pk(w: World) -> dict:
    return {"pk": w.evidence.pk}


def evidence_count(w: World) -> int:
    return Evidence.objects.count()


def new_link(w: World) -> dict:
    return {
        "target_type": "inventory.aisystem",
        "target_id": w.system.pk,
        "title": "Matrix link",
        "url": "https://example.org/matrix",
    }


NEW_VERSION = {"title": "Matrix v2", "url": "https://example.org/v2"}

CASES = [
    Case("evidence:evidence_list", "GET", LOGGED_IN, setup=lambda w: w.evidence),
    Case("evidence:evidence_detail", "GET", SYSTEM_READ, kwargs=ev_pk),
    Case("evidence:evidence_replace", "GET", SYSTEM_CHANGE, kwargs=ev_pk),
    Case("evidence:evidence_replace", "POST", SYSTEM_CHANGE, kwargs=ev_pk,
         data=lambda w: NEW_VERSION, effect=evidence_count),
    Case("api:evidence-library-list", "GET", API_LOGGED_IN, setup=lambda w: w.evidence),
    Case("api:evidence-library-list", "POST", API_CREATE_UNDER_SYSTEM, data=new_link,
         effect=evidence_count),
    Case("api:evidence-library-detail", "GET", API_SYSTEM_READ, kwargs=ev_pk),
    Case("api:evidence-library-replace", "POST", API_SYSTEM_CHANGE, kwargs=ev_pk,
         data=lambda w: {"url": "https://example.org/v2"}, effect=evidence_count),
    Case("api:evidence-library-versions", "GET", API_SYSTEM_READ, kwargs=ev_pk),
    Case("api:evidence-library-download", "GET", API_SYSTEM_READ, kwargs=ev_pk,
         check=is_evidence_file),
]  # fmt: skip
