"""aims' own registers in the global search: corrective actions, evidence, policies and
objectives. Each is read through its app's selector (the one visibility rule)."""

from aims.people import display_name

from .registry import SearchType


def _capa_rows(user):
    from aims.capa.selectors import capa_list

    return capa_list(user=user)


def _evidence_rows(user):
    from aims.evidence.selectors import evidence_library_list

    return evidence_library_list(user=user)


def _policy_rows(user):
    from aims.ms.selectors import policy_list

    return policy_list(user=user)


def _objective_rows(user):
    from aims.ms.selectors import objective_list

    return objective_list(user=user)


def _status_and_owner(obj) -> str:
    status = obj.get_status_display() if hasattr(obj, "get_status_display") else ""
    return " · ".join(p for p in (status, f"Owner: {display_name(obj.owner)}") if p)


TYPES = (
    SearchType(
        key="aims.correctiveaction",
        label="Corrective actions",
        register_label="corrective actions",
        rows=_capa_rows,
        title_field="title",
        text_fields=("nonconformity",),
        context=_status_and_owner,
        detail_url="capa:capa_detail",
        register_url="capa:capa_list",
        order=60,
    ),
    SearchType(
        key="aims.evidence",
        label="Evidence",
        register_label="evidence library",
        rows=_evidence_rows,
        title_field="title",
        text_fields=("description", "original_filename"),
        context=lambda e: f"{e.get_kind_display()} · Owner: {display_name(e.owner)}",
        detail_url="evidence:evidence_detail",
        register_url="evidence:evidence_list",
        order=70,
    ),
    SearchType(
        key="aims.policy",
        label="Policies",
        register_label="policies",
        rows=_policy_rows,
        title_field="title",
        text_fields=("purpose",),
        context=lambda p: f"Owner: {display_name(p.owner)}",
        detail_url="ms:policy_detail",
        register_url="ms:policy_list",
        order=80,
    ),
    SearchType(
        key="aims.objective",
        label="Objectives",
        register_label="objectives",
        rows=_objective_rows,
        title_field="title",
        text_fields=("description",),
        context=_status_and_owner,
        detail_url="ms:objective_detail",
        register_url="ms:objective_list",
        order=85,
    ),
)
