"""Reads of model registry links, through the one visibility rule (the link's
``visibility_rule``): officers and auditors see every link, a system's owner its own."""

from django.db.models import QuerySet

from aims.visibility import restrict

from .models import ModelRegistryLink


def link_list(*, user, action: str = "view") -> QuerySet[ModelRegistryLink]:
    return restrict(
        ModelRegistryLink.objects.select_related(
            "component__system", "component__supplier", "created_by"
        ),
        user,
        action,
    ).order_by("model_name", "pk")


def link_of_component(*, user, component_id: int) -> ModelRegistryLink | None:
    return link_list(user=user).filter(component_id=component_id).first()
