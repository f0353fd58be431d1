"""Pages of model registry links: the list of links with their last sync, and on a
component, the form that links (or re-links) it, "sync now" and unlink. Thin: selectors
read, services write."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from aims.concurrency import editing
from aims.errors import BusinessRuleError
from aims.view_helpers.forms import add_version, take_version
from aims.view_helpers.lists import page_context
from aims.views import apply_errors, safe_next

from ..models import Component
from ..views import SystemMixin
from . import selectors, services
from .forms import RegistryLinkForm
from .models import ModelRegistryLink


class LinkListView(LoginRequiredMixin, View):
    def get(self, request):
        rows = selectors.link_list(user=request.user)
        context = page_context(request, rows, rows_name="links")
        page_ids = [link.pk for link in context["links"]]
        context["manageable"] = set(
            selectors.link_list(user=request.user, action="change")
            .filter(pk__in=page_ids)
            .values_list("pk", flat=True)
        )
        return render(request, "inventory/registry/link_list.html", context)


class ComponentLinkView(SystemMixin, View):
    """A component's link: its state, and the form that links or re-links it."""

    need_change = True

    def component(self) -> Component:
        return get_object_or_404(Component, pk=self.kwargs["child"], system=self.system)

    def show(self, form, component, link, status: int = 200):
        context = {"form": form, "component": component, "link": link, "system": self.system,
                   "cancel_url": self.detail_url("components")}  # fmt: skip
        return render(self.request, "inventory/registry/link_form.html", context, status=status)

    def get(self, request, pk: int, child: int):
        component = self.component()
        link = selectors.link_of_component(user=request.user, component_id=component.pk)
        initial = {"follow": ModelRegistryLink.Follow.LATEST}
        if link is not None:
            initial = {"tracking_uri": link.tracking_uri, "model_name": link.model_name,
                       "follow": link.follow, "follow_value": link.follow_value}  # fmt: skip
        form = RegistryLinkForm(initial=initial)
        if link is not None:
            add_version(form, link)  # a stale edit is refused, not saved over
        return self.show(form, component, link)

    def post(self, request, pk: int, child: int):
        component = self.component()
        link = selectors.link_of_component(user=request.user, component_id=component.pk)
        form = RegistryLinkForm(request.POST)
        if link is not None:
            add_version(form, link)
        if not form.is_valid():
            return self.show(form, component, link, 400)
        try:
            if link is None:
                link = services.link_create(actor=request.user, component=component,
                                            **form.cleaned_data)  # fmt: skip
            else:
                with editing(link, take_version(form)):
                    link = services.link_update(actor=request.user, link=link, **form.cleaned_data)
        except (ValidationError, BusinessRuleError) as exc:
            return self.show(form, component, link, apply_errors(form, exc))
        if link.last_error:
            messages.warning(request, f"Linked; the registry could not be read yet: "
                             f"{link.last_error}")  # fmt: skip
        else:
            messages.success(
                request,
                f"{component.reference} follows {link.model_name} ({link.followed_label}) "
                f"from version {link.last_seen_version}.",
            )
        return HttpResponseRedirect(reverse("inventory:registry_link_list"))


class LinkMixin(LoginRequiredMixin):
    """The link from the URL: one the user may not see is a 404, one they may not manage a
    403 (an auditor reads links, and changes none)."""

    def link(self) -> ModelRegistryLink:
        link = get_object_or_404(selectors.link_list(user=self.request.user), pk=self.kwargs["pk"])
        if not services.can_manage_link(self.request.user, link.component):
            raise PermissionDenied(services.MANAGERS_ONLY)
        return link


class LinkSyncView(LinkMixin, View):
    """POST: read the registry now (the button on the list and on the component's link)."""

    def post(self, request, pk: int):
        result = services.link_sync(link_id=self.link().pk, actor=request.user)
        if result.error:
            messages.error(request, f"The registry could not be read: {result.error}")
        elif result.created or result.changed:
            messages.success(request, f"Version {result.version} is new: vendor change "
                             f"{result.notice_reference} records it.")  # fmt: skip
        else:
            messages.info(request, f"No change: the followed version is {result.version}.")
        return HttpResponseRedirect(safe_next(request, reverse("inventory:registry_link_list")))


class LinkDeleteView(LinkMixin, View):
    def get(self, request, pk: int):
        link = self.link()
        context = {"link": link, "cancel_url": reverse("inventory:registry_link_list")}
        return render(request, "inventory/registry/link_delete.html", context)

    def post(self, request, pk: int):
        link = self.link()
        label = f"{link.component.reference} {link.model_name}"
        services.link_delete(actor=request.user, link=link)
        messages.success(request, f"{label}: no longer followed in the registry.")
        return HttpResponseRedirect(reverse("inventory:registry_link_list"))
