"""Incidents in the global search (registered from IncidentsConfig.ready)."""

from aims.search.registry import SearchType


def _rows(user):
    from .selectors import incident_list

    return incident_list(user=user)


def _context(incident) -> str:
    system = f" · {incident.system.reference} {incident.system.name}" if incident.system else ""
    return f"{incident.get_status_display()} · {incident.get_severity_display()}{system}"


def register() -> None:
    from aims.search.registry import register_searchable

    register_searchable(
        SearchType(
            key="incidents.incident",
            label="Incidents",
            register_label="incident register",
            rows=_rows,
            title_field="title",
            text_fields=("description",),
            context=_context,
            detail_url="incidents:incident_detail",
            register_url="incidents:incident_list",
            order=30,
        )
    )
