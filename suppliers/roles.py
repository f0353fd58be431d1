"""Model permissions of the suppliers app, by role. Owners of AI systems assess the vendor
changes that flag their own systems through object permissions on the system (checked via
VendorChangeImpact.permission_parent), not through a role grant here."""

from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER

VIEW_ALL = [
    "suppliers.view_supplier",
    "suppliers.view_reviewquestion",
    "suppliers.view_supplierreview",
    "suppliers.view_reviewanswer",
    "suppliers.view_vendorchangenotice",
    "suppliers.view_vendorchangeimpact",
]

PERMISSIONS: dict[str, list[str]] = {
    OFFICER: [
        *VIEW_ALL,
        "suppliers.add_supplier",
        "suppliers.change_supplier",
        "suppliers.approve_supplier",
        "suppliers.manage_supplier_status",
        "suppliers.add_reviewquestion",
        "suppliers.change_reviewquestion",
        "suppliers.add_supplierreview",
        "suppliers.change_supplierreview",
        "suppliers.change_reviewanswer",
        "suppliers.add_vendorchangenotice",
        "suppliers.change_vendorchangeimpact",
        "suppliers.confirm_vendorchangeimpact",
    ],
    APPROVER: [*VIEW_ALL, "suppliers.approve_supplier"],
    # Owners pick suppliers for their components and follow the vendor changes that touch
    # their systems: they read the register and the notices, not the reviews.
    OWNER: ["suppliers.view_supplier", "suppliers.view_vendorchangenotice"],
    AUDITOR: list(VIEW_ALL),
}
