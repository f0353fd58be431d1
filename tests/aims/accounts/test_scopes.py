"""Every API endpoint belongs to one area a token's scopes name (or to none by design)."""

from aims.accounts import scopes
from tests.matrix.world import walk


def api_routes():
    for route in walk():
        if route.route.startswith("api/v1/"):
            view = getattr(route.callback, "cls", None) or route.callback.view_class
            yield route, view


def test_every_api_route_maps_to_an_area():
    unmapped = []
    for route, view in api_routes():
        area = scopes.area_of_view(view)
        name = f"{view.__module__}.{view.__qualname__}"
        if area is None and name not in scopes.NO_AREA:
            unmapped.append(route.route)
        elif area is not None and area not in scopes.AREAS:
            unmapped.append(f"{route.route} -> {area}")
    assert not unmapped, unmapped


def test_areas_follow_the_packages():
    views = {route.name: view for route, view in api_routes()}
    assert scopes.area_of_view(views["api:system-list"]) == "inventory"
    assert scopes.area_of_view(views["api:risk-list"]) == "risk"
    assert scopes.area_of_view(views["api:incident-list"]) == "incidents"
    assert scopes.area_of_view(views["api:supplier-list"]) == "suppliers"
    assert scopes.area_of_view(views["api:evidence-list"]) == "management_system"
    assert scopes.area_of_view(views["api:apitoken-list"]) == "accounts"
    assert scopes.area_of_view(views["api:me"]) is None


def test_scope_checks():
    assert scopes.allows({"risk": "read"}, "risk", write=False)
    assert not scopes.allows({"risk": "read"}, "risk", write=True)
    assert not scopes.allows({"risk": "write"}, "inventory", write=False)
    assert scopes.covers({"risk": "write"}, {"risk": "read"})
    assert not scopes.covers({"risk": "read"}, {"risk": "write"})
