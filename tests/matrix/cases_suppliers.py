"""Role-matrix rows for the suppliers app (HTML pages and the API).

The world's officer registers and owns the supplier; the world's system depends on it
through a component, so a recorded vendor change flags that system (owned by ``owner``).
"""

from inventory.vendor_changes import register_supplier_dependencies
from suppliers import services
from suppliers.models import (
    ReviewQuestion,
    Supplier,
    SupplierReview,
    VendorChangeImpact,
    VendorChangeNotice,
)

from .framework import Case, expect
from .world import World

# The inventory registers itself as the suppliers' dependency provider in its AppConfig;
# registering here too keeps these rows independent of that wiring (it is idempotent).
register_supplier_dependencies()

# fmt: off
#                                   anonymous nobody owner other_owner officer approver auditor
SUP_READ            = expect("login    403    ok    ok          ok      ok       ok")
SUP_READ_ONE        = expect("login    404    ok    ok          ok      ok       ok")
SUP_OFFICER         = expect("login    403    403   403         ok      403      403")
SUP_OFFICER_ONE     = expect("login    404    403   403         ok      403      403")
SUP_APPROVE         = expect("login    404    403   403         403     ok       403")
REVIEW_READ         = expect("login    404    404   404         ok      ok       ok")
REVIEW_WRITE        = expect("login    404    404   404         ok      403      403")
QUESTIONS_READ      = expect("login    403    403   403         ok      ok       ok")
IMPACT_ASSESS       = expect("login    404    ok    404         ok      403      403")

API_LIST            = expect("401      ok     ok    ok          ok      ok       ok")
API_SUP_ONE         = expect("401      404    ok    ok          ok      ok       ok")
API_OFFICER_WRITE   = expect("401      403    403   403         ok      403      403")
API_APPROVE         = expect("401      403    403   403         403     ok       403")
API_REVIEW_ONE      = expect("401      404    404   404         ok      ok       ok")
API_IMPACT_ONE      = expect("401      404    ok    404         ok      ok       ok")
API_IMPACT_ASSESS   = expect("401      404    ok    404         ok      403      403")
# An officer (not the owner) confirms an owner's "no impact" on a high-tier system.
IMPACT_CONFIRM      = expect("login    404    403   404         ok      403      403")
API_IMPACT_CONFIRM  = expect("401      404    403   404         ok      403      403")
# fmt: on


# --- The world's supplier records (created on first use, through the services) ------------


def supplier(w: World) -> Supplier:
    return w.once(
        "_supplier",
        lambda: services.supplier_create(
            actor=w.officer,
            data={"name": "Matrix vendor", "supplier_type": "model_provider"},
        ),
    )


def review(w: World) -> SupplierReview:
    return w.once("_review", lambda: services.review_start(actor=w.officer, supplier=supplier(w)))


def answered_review(w: World) -> SupplierReview:
    def make():
        r = review(w)
        services.review_answer(
            actor=w.officer, review=r, answers={a.pk: {"value": "yes"} for a in r.answers.all()}
        )
        return r

    return w.once("_answered", make)


def completed_review(w: World) -> SupplierReview:
    return w.once(
        "_completed",
        lambda: services.review_complete(
            actor=w.officer, review=answered_review(w), decision="approve"
        ),
    )


def question(w: World) -> ReviewQuestion:
    return ReviewQuestion.objects.order_by("id").first()


def notice(w: World) -> VendorChangeNotice:
    def make():
        w.add_component(
            w.owner, {"name": "Matrix LLM", "supplier": supplier(w), "model_identifier": "m-1"}
        )
        return services.vendor_change_record(
            actor=w.officer,
            supplier=supplier(w),
            data={
                "affected_service": "Matrix LLM",
                "kind": "new_model_version",
                "source": "vendor_notice",
                "title": "Matrix model update",
            },
        )

    return w.once("_notice", make)


def impact(w: World) -> VendorChangeImpact:
    return notice(w).impacts.get()


def proposed_impact(w: World) -> VendorChangeImpact:
    """The world's system, made high tier, with the owner's "no impact" awaiting an officer."""

    def make():
        from inventory import services as inventory_services

        inventory_services.system_set_risk_tier(
            actor=w.officer, system=w.system, tier="high", reason="Matrix: high tier"
        )
        return services.impact_assess(
            actor=w.owner, impact=impact(w), assessment="no_impact", rationale="Matrix"
        )

    return w.once("_proposed_impact", make)


def pk(getter):
    return lambda w: {"pk": getter(w).pk}


def field(getter, name: str):
    return lambda w: type(getter(w)).objects.values_list(name, flat=True).get(pk=getter(w).pk)


def answers_of(w: World) -> tuple:
    return tuple(review(w).answers.order_by("id").values_list("value", flat=True))


SUPPLIER_FORM = {
    "name": "Matrix new vendor",
    "supplier_type": "saas_embedded",
    "criticality": "medium",
    "trains_on_our_data": "no",
    "reassessment_cadence_months": 12,
}
NOTICE_FORM = {
    "affected_service": "Matrix API",
    "kind": "deprecation",
    "source": "press",
    "title": "Matrix API retired",
}
QUESTION_FORM = {"topic": "security", "text": "Matrix question?", "weight": 2, "position": 9,
                 "active": "on"}  # fmt: skip


def count(model, **filters):
    return lambda w: model.objects.filter(**filters).count()


CASES: list[Case] = [
    # --- HTML: the register --------------------------------------------------------------
    Case("suppliers:supplier_list", "GET", SUP_READ, setup=supplier),
    Case("suppliers:supplier_export", "GET", SUP_READ, setup=supplier),
    Case("suppliers:supplier_add", "GET", SUP_OFFICER),
    Case("suppliers:supplier_add", "POST", SUP_OFFICER, data=lambda w: SUPPLIER_FORM,
         effect=count(Supplier, name="Matrix new vendor")),
    Case("suppliers:supplier_detail", "GET", SUP_READ_ONE, kwargs=pk(supplier)),
    Case("suppliers:supplier_history", "GET", SUP_READ_ONE, kwargs=pk(supplier)),
    Case("suppliers:supplier_edit", "GET", SUP_OFFICER_ONE, kwargs=pk(supplier)),
    Case("suppliers:supplier_edit", "POST", SUP_OFFICER_ONE, kwargs=pk(supplier),
         data=lambda w: {**SUPPLIER_FORM, "name": "Renamed vendor"},
         effect=field(supplier, "name")),
    Case("suppliers:supplier_transition", "POST", SUP_APPROVE, variant="approve",
         kwargs=lambda w: {"pk": supplier(w).pk, "action": "approve"}, data=lambda w: {},
         setup=completed_review, effect=field(supplier, "status")),
    Case("suppliers:supplier_transition", "POST", SUP_OFFICER_ONE, variant="offboard",
         kwargs=lambda w: {"pk": supplier(w).pk, "action": "offboard"},
         data=lambda w: {"reason": "Matrix exit"}, effect=field(supplier, "status")),
    # --- HTML: reviews and the questionnaire ---------------------------------------------
    Case("suppliers:review_start", "POST", SUP_OFFICER_ONE, kwargs=pk(supplier),
         data=lambda w: {}, effect=count(SupplierReview)),
    Case("suppliers:review_detail", "GET", REVIEW_READ, kwargs=pk(review)),
    Case("suppliers:review_detail", "POST", REVIEW_WRITE, kwargs=pk(review),
         data=lambda w: {f"value-{a.pk}": "partly" for a in review(w).answers.all()},
         effect=answers_of),
    Case("suppliers:review_complete", "GET", REVIEW_WRITE, kwargs=pk(review)),
    Case("suppliers:review_complete", "POST", REVIEW_WRITE, kwargs=pk(answered_review),
         data=lambda w: {"decision": "approve"}, effect=field(review, "status")),
    Case("suppliers:question_list", "GET", QUESTIONS_READ),
    Case("suppliers:question_add", "GET", SUP_OFFICER),
    Case("suppliers:question_add", "POST", SUP_OFFICER, data=lambda w: QUESTION_FORM,
         effect=count(ReviewQuestion, text="Matrix question?")),
    Case("suppliers:question_edit", "GET", SUP_OFFICER, kwargs=pk(question)),
    Case("suppliers:question_edit", "POST", SUP_OFFICER, kwargs=pk(question),
         data=lambda w: {**QUESTION_FORM, "text": "Edited by the matrix"},
         effect=field(question, "text")),
    # --- HTML: vendor changes ------------------------------------------------------------
    Case("suppliers:notice_list", "GET", SUP_READ, setup=notice),
    Case("suppliers:notice_add", "GET", SUP_OFFICER),
    Case("suppliers:notice_add", "POST", SUP_OFFICER,
         data=lambda w: {**NOTICE_FORM, "supplier": supplier(w).pk},
         effect=count(VendorChangeNotice)),
    Case("suppliers:notice_detail", "GET", expect("login 403 ok ok ok ok ok"), kwargs=pk(notice)),
    Case("suppliers:impact_assess", "GET", IMPACT_ASSESS, stage="deployed", kwargs=pk(impact)),
    Case("suppliers:impact_assess", "POST", IMPACT_ASSESS, stage="deployed", kwargs=pk(impact),
         data=lambda w: {"assessment": "no_impact", "rationale": "Matrix checked it"},
         effect=field(impact, "assessment")),
    Case("suppliers:impact_confirm", "GET", IMPACT_CONFIRM, stage="deployed",
         kwargs=pk(proposed_impact)),
    Case("suppliers:impact_confirm", "POST", IMPACT_CONFIRM, stage="deployed",
         kwargs=pk(proposed_impact),
         data=lambda w: {"decision": "confirm", "reason": "Matrix checked it"},
         effect=field(proposed_impact, "assessment")),
    # --- API -------------------------------------------------------------------------------
    Case("api:supplier-list", "GET", API_LIST, setup=supplier),
    Case("api:supplier-list", "POST", API_OFFICER_WRITE,
         data=lambda w: {"name": "Matrix API vendor", "supplier_type": "data_provider"},
         effect=count(Supplier, name="Matrix API vendor")),
    Case("api:supplier-detail", "GET", API_SUP_ONE, kwargs=pk(supplier)),
    Case("api:supplier-detail", "PATCH", API_OFFICER_WRITE, kwargs=pk(supplier),
         data=lambda w: {"data_location": "EU"}, effect=field(supplier, "data_location")),
    Case("api:supplier-transition", "POST", API_APPROVE, kwargs=pk(supplier),
         setup=completed_review, data=lambda w: {"action": "approve"},
         effect=field(supplier, "status"), codes={"officer": "segregation_of_duties"}),
    Case("api:supplier-dependents", "GET", API_SUP_ONE, kwargs=pk(supplier)),
    Case("api:reviewquestion-list", "GET", API_LIST),
    Case("api:reviewquestion-list", "POST", API_OFFICER_WRITE,
         data=lambda w: {"topic": "continuity", "text": "Matrix API question?"},
         effect=count(ReviewQuestion, text="Matrix API question?")),
    Case("api:reviewquestion-detail", "GET", API_REVIEW_ONE, kwargs=pk(question)),
    Case("api:reviewquestion-detail", "PATCH", API_OFFICER_WRITE, kwargs=pk(question),
         data=lambda w: {"weight": 1}, effect=field(question, "weight")),
    Case("api:supplierreview-list", "GET", API_LIST, setup=review),
    Case("api:supplierreview-list", "POST", API_OFFICER_WRITE,
         data=lambda w: {"supplier": supplier(w).pk}, effect=count(SupplierReview)),
    Case("api:supplierreview-detail", "GET", API_REVIEW_ONE, kwargs=pk(review)),
    Case("api:supplierreview-answer", "POST", API_OFFICER_WRITE, kwargs=pk(review),
         data=lambda w: {"answers": [{"id": a.pk, "value": "no"} for a in review(w).answers.all()]},
         effect=answers_of),
    Case("api:supplierreview-complete", "POST", API_OFFICER_WRITE, kwargs=pk(answered_review),
         data=lambda w: {"decision": "reject"}, effect=field(review, "status")),
    Case("api:reviewanswer-list", "GET", API_LIST, setup=review),
    Case("api:reviewanswer-detail", "GET", API_REVIEW_ONE,
         kwargs=lambda w: {"pk": review(w).answers.first().pk}),
    Case("api:vendorchange-list", "GET", API_LIST, setup=notice),
    Case("api:vendorchange-list", "POST", API_OFFICER_WRITE,
         data=lambda w: {**NOTICE_FORM, "supplier": supplier(w).pk},
         effect=count(VendorChangeNotice)),
    Case("api:vendorchange-detail", "GET", API_SUP_ONE, kwargs=pk(notice)),
    Case("api:vendorchangeimpact-list", "GET", API_LIST, setup=notice),
    Case("api:vendorchangeimpact-detail", "GET", API_IMPACT_ONE, kwargs=pk(impact)),
    Case("api:vendorchangeimpact-assess", "POST", API_IMPACT_ASSESS, stage="deployed",
         kwargs=pk(impact), data=lambda w: {"assessment": "revalidate", "rationale": "Matrix"},
         effect=field(impact, "assessment")),
    Case("api:vendorchangeimpact-confirm", "POST", API_IMPACT_CONFIRM, stage="deployed",
         kwargs=pk(proposed_impact),
         data=lambda w: {"decision": "confirm", "reason": "Matrix checked it"},
         effect=field(proposed_impact, "assessment")),
]  # fmt: skip


# --- The inventory's observation endpoint (inventory/api/vendor_views.py) ------------------
# Its route is added to inventory/api/urls.py by the inventory's maintainer; the row applies
# as soon as the route exists.


def observation(w: World) -> dict:
    component = w.add_component(
        w.owner, {"name": "Observed LLM", "supplier": supplier(w), "model_identifier": "m-1"}
    )
    return {"component": component.pk, "model_identifier": "m-2"}


def _route_exists(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


if _route_exists("api:componentobservation-list"):
    CASES.append(
        Case(
            "api:componentobservation-list",
            "POST",
            API_OFFICER_WRITE,
            data=observation,
            effect=lambda w: VendorChangeNotice.objects.count(),
        )  # fmt: skip
    )
