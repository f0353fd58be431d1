"""Token scopes: read or write, per area of the product.

Every API endpoint belongs to one area, named by the package of its view (``inventory``,
``risk``...; the management-system core ``aims`` is ``management_system``, token and service
account management is ``accounts``). A view may name its area explicitly with ``token_area``.
A few endpoints need no area (``NO_AREA``): the acting user (``/me/``) and the token exchange,
which every token may reach. A scope only narrows what the user's roles already permit.
"""

from collections.abc import Mapping

READ = "read"
WRITE = "write"
LEVELS = (READ, WRITE)

AREAS: dict[str, str] = {
    "inventory": "AI systems and inventory",
    "risk": "Risk and impact",
    "incidents": "Incidents and monitoring",
    "suppliers": "Suppliers",
    "audits": "Controls, audits and certification",
    "management_system": "Management system, evidence and corrective actions",
    "accounts": "API tokens and service accounts",
}

#: Views any token may call, whatever its scopes (who am I; the token exchange).
NO_AREA = frozenset({"aims.api.views.MeView", "aims.api.views.TokenView"})

_PACKAGE_AREAS = {
    "inventory": "inventory",
    "risk": "risk",
    "incidents": "incidents",
    "suppliers": "suppliers",
    "audits": "audits",
}


def view_class_of(view) -> type:
    return view if isinstance(view, type) else type(view)


def area_of_view(view) -> str | None:
    """The area an API view belongs to; None for the views of ``NO_AREA`` and for views outside
    the product's packages (the schema and its docs, which any signed-in caller reads)."""
    cls = view_class_of(view)
    explicit = getattr(cls, "token_area", None)
    if explicit:
        return explicit
    if f"{cls.__module__}.{cls.__qualname__}" in NO_AREA:
        return None
    package, _, rest = cls.__module__.partition(".")
    if package in _PACKAGE_AREAS:
        return _PACKAGE_AREAS[package]
    if package == "aims":
        return "accounts" if rest.startswith("accounts") else "management_system"
    return None


def full_scopes() -> dict[str, str]:
    return {area: WRITE for area in AREAS}


def allows(scopes: Mapping[str, str], area: str | None, *, write: bool) -> bool:
    if area is None:
        return True
    level = scopes.get(area)
    if level is None:
        return False
    return level == WRITE or not write


def covers(wider: Mapping[str, str], narrower: Mapping[str, str]) -> bool:
    """Whether ``wider`` grants at least everything ``narrower`` does."""
    return all(allows(wider, area, write=level == WRITE) for area, level in narrower.items())


def clean_scopes(value) -> dict[str, str]:
    """``{"inventory": "write", ...}`` checked; raises ValueError naming what is wrong."""
    if not isinstance(value, Mapping) or not value:
        raise ValueError("Give at least one area with read or write.")
    unknown = sorted(set(value) - set(AREAS))
    if unknown:
        raise ValueError(f"Unknown areas: {', '.join(map(str, unknown))}.")
    bad = sorted(area for area, level in value.items() if level not in LEVELS)
    if bad:
        raise ValueError(f"Each area is read or write (not for: {', '.join(bad)}).")
    return {area: value[area] for area in AREAS if area in value}


def describe(scopes: Mapping[str, str]) -> str:
    if dict(scopes) == full_scopes():
        return "All areas, read and write"
    return "; ".join(f"{AREAS[a]}: {scopes[a]}" for a in AREAS if a in scopes)
