"""What the inventory's pages show of vendor changes that keep a high-tier system waiting
(the rule is inventory.vendor_changes.waiting_impacts; these tags only display it)."""

from django import template

from inventory import vendor_changes

register = template.Library()


@register.simple_tag
def systems_waiting_on_vendor_change(systems) -> set[int]:
    """The ids of the listed systems that wait on a vendor change (one query per page):
    ``{% systems_waiting_on_vendor_change systems as waiting %}``."""
    return vendor_changes.systems_waiting_on_vendor_change(s.pk for s in systems)


@register.inclusion_tag("inventory/_vendor_change_alert.html")
def vendor_change_alert(system) -> dict:
    """The banner of a system page while vendor changes on the system are unassessed."""
    impacts = list(vendor_changes.unassessed_vendor_changes(system))
    return {"system": system, "waiting": [(i, vendor_changes.describe(i)) for i in impacts]}
