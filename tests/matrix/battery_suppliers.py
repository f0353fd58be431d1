"""History-battery entries for the suppliers app."""

from inventory import vendor_changes
from inventory.models import Component
from inventory.vendor_changes import register_supplier_dependencies
from suppliers import services
from suppliers.models import (
    ReviewAnswer,
    ReviewQuestion,
    Supplier,
    SupplierReview,
    VendorChangeImpact,
    VendorChangeNotice,
    VendorChangeObservation,
)

from .battery_framework import Entry, api, by_id
from .world import World

register_supplier_dependencies()  # idempotent; the inventory's AppConfig does it too

NOTICE = {
    "affected_service": "Battery LLM",
    "kind": "new_model_version",
    "source": "vendor_notice",
    "title": "Battery model update",
}


def supplier(w: World, name: str = "Battery vendor") -> Supplier:
    return services.supplier_create(
        actor=w.officer, data={"name": name, "supplier_type": "model_provider"}
    )


def dependent_supplier(w: World) -> Supplier:
    """A supplier the world's system depends on (linked by the officer, the acting user)."""
    found = supplier(w, "Battery dependency")
    w.add_component(w.officer, {"name": "Battery LLM", "supplier": found})
    return found


def observed_component(w: World) -> Component:
    """A component of the world's system, from a supplier, with a recorded identifier."""
    return w.once(
        "_observed_component",
        lambda: w.add_component(
            w.officer,
            {
                "name": "Battery observed LLM",
                "supplier": supplier(w, "Battery observed vendor"),
                "model_identifier": "battery-1",
            },
        ),
    )


def bad_review(w: World):
    return ("post", api("supplierreview-list"), {"supplier": 999999}, "json")


def bad_notice(w: World):
    return ("post", api("vendorchange-list"), {"supplier": 999999, "kind": "x"}, "json")


BATTERY = {
    Supplier: Entry(
        actor="officer",
        stage="intake_submitted",
        create=lambda w: supplier(w),
        api_create=lambda w: (
            "post",
            api("supplier-list"),
            {"name": "Battery API vendor", "supplier_type": "cloud_platform"},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("supplier-list"),
            {"name": "", "supplier_type": "x"},
            "json",
        ),
        api_result=by_id(Supplier),
    ),
    ReviewQuestion: Entry(
        actor="officer",
        stage="intake_submitted",
        create=lambda w: services.question_save(
            actor=w.officer,
            question=ReviewQuestion(),
            data={"topic": "security", "text": "Battery question?"},
        ),
        api_create=lambda w: (
            "post",
            api("reviewquestion-list"),
            {"topic": "compliance", "text": "Battery API question?", "weight": 3},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("reviewquestion-list"),
            {"topic": "astrology", "weight": 9},
            "json",
        ),
        api_result=by_id(ReviewQuestion),
    ),
    SupplierReview: Entry(
        actor="officer",
        stage="intake_submitted",
        create=lambda w: services.review_start(actor=w.officer, supplier=supplier(w)),
        api_create=lambda w: (
            "post",
            api("supplierreview-list"),
            {"supplier": supplier(w).pk},
            "json",
        ),
        api_bad=bad_review,
        api_result=by_id(SupplierReview),
    ),
    # Answers are created by starting a review (the questions are copied into it).
    ReviewAnswer: Entry(
        actor="officer",
        stage="intake_submitted",
        create=lambda w: (
            services.review_start(actor=w.officer, supplier=supplier(w))
            .answers.order_by("id")
            .first()
        ),
        api_create=lambda w: (
            "post",
            api("supplierreview-list"),
            {"supplier": supplier(w).pk},
            "json",
        ),
        api_bad=bad_review,
        api_result=lambda body: ReviewAnswer.objects.get(pk=body["answers"][0]["id"]),
    ),
    VendorChangeNotice: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: services.vendor_change_record(
            actor=w.officer, supplier=dependent_supplier(w), data=NOTICE
        ),
        api_create=lambda w: (
            "post",
            api("vendorchange-list"),
            {**NOTICE, "supplier": dependent_supplier(w).pk},
            "json",
        ),
        api_bad=bad_notice,
        api_result=by_id(VendorChangeNotice),
    ),
    # Impacts are created by recording a notice that a system depends on.
    VendorChangeImpact: Entry(
        actor="officer",
        stage="deployed",
        create=lambda w: services.vendor_change_record(
            actor=w.officer, supplier=dependent_supplier(w), data=NOTICE
        ).impacts.get(),
        api_create=lambda w: (
            "post",
            api("vendorchange-list"),
            {**NOTICE, "supplier": dependent_supplier(w).pk},
            "json",
        ),
        api_bad=bad_notice,
        api_result=lambda body: VendorChangeImpact.objects.get(notice_id=body["id"]),
    ),
    # Sightings are recorded when an integration reports a changed model identifier.
    VendorChangeObservation: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: vendor_changes.component_report_identifier(
            actor=w.officer, component=observed_component(w), identifier="battery-2"
        )[0].observations.get(),
        api_create=lambda w: (
            "post",
            api("componentobservation-list"),
            {"component": observed_component(w).pk, "model_identifier": "battery-2"},
            "json",
        ),
        api_bad=lambda w: ("post", api("componentobservation-list"), {"component": 0}, "json"),
        api_result=lambda body: VendorChangeObservation.objects.get(notice_id=body["notice"]["id"]),
    ),
}
