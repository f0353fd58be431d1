"""Pages of webhooks (governance officers): the subscriptions, a new one (its secret shown
once), one's delivery log with redelivery, enable or disable, delete. Thin: selectors read,
services write."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from aims.errors import BusinessRuleError
from aims.view_helpers.forms import add_version, editing, take_version
from aims.view_helpers.lists import page_context
from aims.views import apply_errors

from . import selectors, services
from .forms import SubscriptionForm
from .models import WebhookSubscription


class ManagersOnly(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.can_manage_webhooks(request.user):
            raise PermissionDenied(services.MANAGERS_ONLY)
        return super().dispatch(request, *args, **kwargs)

    def subscription(self) -> WebhookSubscription:
        return get_object_or_404(
            selectors.subscription_list(user=self.request.user), pk=self.kwargs["pk"]
        )

    def detail_url(self, subscription) -> str:
        return reverse("webhooks:subscription_detail", args=[subscription.pk])


class SubscriptionListView(ManagersOnly, View):
    def get(self, request):
        rows = selectors.subscription_list(user=request.user)
        context = page_context(request, rows, rows_name="subscriptions")
        return render(request, "webhooks/subscription_list.html", context)


class SubscriptionFormView(ManagersOnly, View):
    """New (the answer shows the secret, once) or edit."""

    def record(self) -> WebhookSubscription | None:
        return self.subscription() if "pk" in self.kwargs else None

    def show(self, form, subscription, status: int = 200):
        context = {"form": form, "subscription": subscription}
        return render(self.request, "webhooks/subscription_form.html", context, status=status)

    def get(self, request, pk=None):
        subscription = self.record()
        initial = {"preset": "generic"}
        if subscription:
            initial = {"name": subscription.name, "url": subscription.url,
                       "preset": subscription.preset, "event_types": subscription.event_types,
                       "owner": subscription.owner}  # fmt: skip
        form = SubscriptionForm(initial=initial)
        if subscription:
            add_version(form, subscription)  # a stale edit is refused, not saved over
        return self.show(form, subscription)

    def post(self, request, pk=None):
        subscription = self.record()
        form = SubscriptionForm(request.POST)
        if subscription:
            add_version(form, subscription)
        if not form.is_valid():
            return self.show(form, subscription, 400)
        try:
            if subscription is None:
                created = services.subscription_create(actor=request.user, **form.cleaned_data)
                return self.created(*created)
            version = take_version(form)
            with editing(subscription, version):
                services.subscription_update(
                    actor=request.user, subscription=subscription, **form.cleaned_data
                )
        except (ValidationError, BusinessRuleError) as exc:
            return self.show(form, subscription, apply_errors(form, exc))
        messages.success(request, f"The subscription “{subscription.name}” is saved.")
        return HttpResponseRedirect(self.detail_url(subscription))

    def created(self, subscription, secret: str):
        context = {"subscription": subscription, "secret": secret,
                   "detail_url": self.detail_url(subscription)}  # fmt: skip
        response = render(self.request, "webhooks/subscription_created.html", context, status=201)
        response["Cache-Control"] = "no-store"
        return response


class SubscriptionDetailView(ManagersOnly, View):
    def get(self, request, pk):
        subscription = self.subscription()
        deliveries = selectors.delivery_list(user=request.user, subscription=subscription)
        context = page_context(request, deliveries.prefetch_related("log"), rows_name="deliveries")
        context.update(subscription=subscription, max_failures=services.max_failures())
        return render(request, "webhooks/subscription_detail.html", context)


class SubscriptionActiveView(ManagersOnly, View):
    """POST: enable or disable (the button on the detail page)."""

    active = True

    def post(self, request, pk):
        subscription = self.subscription()
        services.subscription_set_active(
            actor=request.user, subscription=subscription, active=self.active
        )
        word = "enabled" if self.active else "disabled"
        messages.success(request, f"The subscription “{subscription.name}” is {word}.")
        return HttpResponseRedirect(self.detail_url(subscription))


class SubscriptionDeleteView(ManagersOnly, View):
    def get(self, request, pk):
        subscription = self.subscription()
        context = {"subscription": subscription, "cancel_url": self.detail_url(subscription)}
        return render(request, "webhooks/subscription_delete.html", context)

    def post(self, request, pk):
        subscription = self.subscription()
        name = subscription.name
        services.subscription_delete(actor=request.user, subscription=subscription)
        messages.success(request, f"The subscription “{name}” is deleted.")
        return HttpResponseRedirect(reverse("webhooks:subscription_list"))


class DeliveryRedeliverView(ManagersOnly, View):
    """Confirm, then send the delivery's event again."""

    def delivery(self):
        rows = selectors.delivery_list(user=self.request.user, subscription=self.subscription())
        return get_object_or_404(rows.select_related("subscription"), pk=self.kwargs["delivery"])

    def get(self, request, pk, delivery):
        delivery = self.delivery()
        context = {"delivery": delivery, "subscription": delivery.subscription,
                   "can_redeliver": services.can_redeliver(delivery),
                   "cancel_url": self.detail_url(delivery.subscription)}  # fmt: skip
        return render(request, "webhooks/delivery_redeliver.html", context)

    def post(self, request, pk, delivery):
        delivery = self.delivery()
        try:
            services.delivery_redeliver(actor=request.user, delivery=delivery)
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "The event is sent again: see the new delivery below.")
        return HttpResponseRedirect(self.detail_url(delivery.subscription))
