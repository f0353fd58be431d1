"""Suppliers and vendor change notices in the global search (registered from
SuppliersConfig.ready)."""

from aims.search.registry import SearchType


def _suppliers(user):
    from .selectors import supplier_list

    return supplier_list(user=user)


def _notices(user):
    from .selectors import notice_list

    return notice_list(user=user)


def register() -> None:
    from aims.search.registry import register_searchable

    register_searchable(
        SearchType(
            key="suppliers.supplier",
            label="Suppliers",
            register_label="supplier register",
            rows=_suppliers,
            title_field="name",
            text_fields=("services_used",),
            context=lambda s: f"{s.get_status_display()} · {s.get_criticality_display()}",
            detail_url="suppliers:supplier_detail",
            register_url="suppliers:supplier_list",
            order=40,
        )
    )
    register_searchable(
        SearchType(
            key="suppliers.vendorchangenotice",
            label="Vendor change notices",
            register_label="vendor change notices",
            rows=_notices,
            title_field="title",
            text_fields=("description",),
            context=lambda n: f"{n.supplier.name} · {n.get_status_display()}",
            detail_url="suppliers:notice_detail",
            register_url="suppliers:notice_list",
            register_searches=False,
            order=45,
        )
    )
