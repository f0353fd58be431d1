"""Pages of auditor accesses: officers manage them on an external audit; the certification
auditor lands on their own audit's page after signing in."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.views import View

from aims.errors import BusinessRuleError
from aims.permissions import has_perm
from aims.view_helpers import RecordMixin, ServiceFormMixin
from aims.views import apply_errors

from . import access, access_selectors
from .access_forms import ExtendAccessForm, GrantAccessForm, RevokeAccessForm

MANAGE = access.MANAGE_PERM


class AccessListView(RecordMixin, View):
    """The accesses of one audit, and (for officers) the form that grants one."""

    record_attr = "audit"
    template_name = "certification/access_list.html"

    def load(self, user, pk):
        return access_selectors.audit_for_access(user=user, pk=pk)

    def check(self, request) -> None:
        if not has_perm(request.user, "audits.view_auditoraccess"):
            raise PermissionDenied("Auditor accesses are for governance officers.")

    def page(self, form, status=200, granted=None):
        rows = access_selectors.access_list(user=self.request.user, audit=self.audit)
        can_manage = has_perm(self.request.user, MANAGE)
        for row in rows:
            row.can_revoke = can_manage and access.revoke_refusal(row) is None
            row.can_extend = can_manage and access.extend_refusal(row) is None
        return render(self.request, self.template_name, {
            "audit": self.audit, "accesses": rows, "form": form if can_manage else None,
            "granted": granted,
        }, status=status)  # fmt: skip

    def get(self, request, pk):
        return self.page(GrantAccessForm())

    def post(self, request, pk):
        if not has_perm(request.user, MANAGE):
            raise PermissionDenied(access.MANAGE_REFUSAL)
        form = GrantAccessForm(request.POST)
        if not form.is_valid():
            return self.page(form, 400)
        try:
            grant = access.grant_access(audit=self.audit, actor=request.user, **form.cleaned_data)
        except (ValidationError, BusinessRuleError) as exc:
            return self.page(form, apply_errors(form, exc))
        # The set-password link is shown here once (and e-mailed): the page is not redirected,
        # so it never sits in a URL, a message store or the browser's history.
        return self.page(GrantAccessForm(), 200, grant)


class AccessMixin(RecordMixin):
    record_attr = "access"

    def load(self, user, pk):
        return access_selectors.access_get(user=user, pk=pk)

    def check(self, request) -> None:
        if not has_perm(request.user, MANAGE):
            raise PermissionDenied(access.MANAGE_REFUSAL)

    def context(self) -> dict:
        return {"access": self.access, "audit": self.access.audit}


class AccessRevokeView(ServiceFormMixin, AccessMixin, View):
    def success_url(self, saved) -> str:
        return reverse("certification:access_list", args=[saved.audit_id])

    template_name = "certification/access_revoke.html"

    def make_form(self, data=None):
        return RevokeAccessForm(data)

    def context(self) -> dict:
        return {**AccessMixin.context(self), "refusal": access.revoke_refusal(self.access)}

    def save(self, form):
        return access.revoke_access(
            access=self.access, actor=self.request.user, reason=form.cleaned_data["reason"]
        )

    def success_message(self, saved) -> str:
        return (
            f"The access of {saved.user.username} is withdrawn; the account is refused from now on."
        )


class AccessExtendView(ServiceFormMixin, AccessMixin, View):
    def success_url(self, saved) -> str:
        return reverse("certification:access_list", args=[saved.audit_id])

    template_name = "certification/access_extend.html"

    def make_form(self, data=None):
        return ExtendAccessForm(data, initial={"valid_until": self.access.valid_until})

    def context(self) -> dict:
        return {**AccessMixin.context(self), "refusal": access.extend_refusal(self.access)}

    def save(self, form):
        return access.extend_access(
            access=self.access,
            actor=self.request.user,
            valid_until=form.cleaned_data["valid_until"],
        )

    def success_message(self, saved) -> str:
        return f"The access of {saved.user.username} now ends on {saved.valid_until}."


class MyAuditView(LoginRequiredMixin, View):
    """Where a certification auditor lands: their audits, the scope, the pack, the records."""

    template_name = "certification/access_my_audit.html"

    def get(self, request):
        audits = list(access_selectors.my_audits(user=request.user))
        return render(request, self.template_name, {"audits": audits})


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The link a new certification auditor receives: choose a password, then sign in."""

    template_name = "certification/access_set_password.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is set: sign in with it.")
        return response


__all__ = [
    "AccessExtendView",
    "AccessListView",
    "AccessRevokeView",
    "MyAuditView",
    "SetPasswordView",
]
