"""Internal audits and findings in the global search (registered from wiring.register())."""

from aims.search.registry import SearchType


def _audits(user):
    from audits.models import InternalAudit

    from .selectors import visible_to_roles

    # The register's visibility without its list's checklist and finding counts: a hit shows
    # none of them, and they would be aggregated over every match before the first five.
    return visible_to_roles(InternalAudit, user)


def _findings(user):
    from .selectors import finding_list

    return finding_list(user=user)


def register() -> None:
    from aims.search.registry import register_searchable

    register_searchable(
        SearchType(
            key="audits.finding",
            label="Audit findings",
            register_label="findings",
            rows=_findings,
            title_field="title",
            text_fields=("description",),
            context=lambda f: (
                f"{f.get_kind_display()} · {f.get_status_display()} · {f.audit.reference}"
            ),
            register_url="internal_audits:finding_list",
            order=50,
        )
    )
    register_searchable(
        SearchType(
            key="audits.internalaudit",
            label="Internal audits",
            register_label="internal audits",
            rows=_audits,
            title_field="title",
            text_fields=("scope",),
            context=lambda a: a.get_status_display(),
            register_url="internal_audits:audit_list",
            order=55,
        )
    )
