"""The risk register in the global search (registered from RiskConfig.ready)."""

from aims.people import display_name
from aims.search.registry import SearchType


def _rows(user):
    from .selectors import risk_list

    return risk_list(user=user)


def _context(risk) -> str:
    return f"{risk.system.reference} {risk.system.name} · Owner: {display_name(risk.owner)}"


def register() -> None:
    from aims.search.registry import register_searchable

    register_searchable(
        SearchType(
            key="risk.risk",
            label="Risks",
            register_label="risk register",
            rows=_rows,
            title_field="title",
            text_fields=("description",),
            context=_context,
            detail_url="risk:risk_detail",
            register_url="risk:register",
            order=20,
        )
    )
