"""The officers' pages: who has a second factor, and the reset of a person's factors."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from aims.client_ip import client_ip
from aims.errors import BusinessRuleError
from aims.permissions import has_global_perm

from .forms import ResetForm
from .policy import required_roles
from .selectors import people_factors, recent_resets
from .services import (
    RESET_PERMISSION,
    VIEW_PERMISSION,
    describe_factors,
    mfa_reset,
    mfa_reset_refusal,
)


class PeopleView(LoginRequiredMixin, View):
    def get(self, request):
        if not has_global_perm(request.user, VIEW_PERMISSION):
            raise PermissionDenied
        rows = people_factors()
        for row in rows:
            row["can_reset"] = (
                mfa_reset_refusal(actor=request.user, user=row["user"], has_factors=row["any"])
                is None
            )
        return render(
            request,
            "mfa/people.html",
            {
                "rows": rows,
                "resets": recent_resets(),
                "required_roles": required_roles(),
                "can_reset": has_global_perm(request.user, RESET_PERMISSION),
            },
        )


class ResetView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_global_perm(request.user, RESET_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _page(self, request, person, form, status=200):
        refusal = mfa_reset_refusal(actor=request.user, user=person)
        return render(
            request,
            "mfa/reset.html",
            {
                "person": person,
                "form": form,
                "factors": describe_factors(person),
                "refusal": refusal.message if refusal else "",
            },
            status=status,
        )

    def get(self, request, pk):
        person = get_object_or_404(get_user_model(), pk=pk, is_active=True)
        return self._page(request, person, ResetForm())

    def post(self, request, pk):
        person = get_object_or_404(get_user_model(), pk=pk, is_active=True)
        form = ResetForm(request.POST)
        if not form.is_valid():
            return self._page(request, person, form, status=400)
        try:
            mfa_reset(
                actor=request.user,
                user=person,
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request) or None,
            )
        except BusinessRuleError as error:
            form.add_error(None, error.message)
            return self._page(request, person, form, status=error.status_code)
        messages.success(request, "The second factors were removed; the reset is recorded.")
        return redirect("security:people")
