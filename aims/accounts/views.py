"""Pages: one's API tokens, one's sessions, service accounts (officers), password reset."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import PasswordResetConfirmView, PasswordResetView
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from aims.client_ip import client_ip
from aims.errors import BusinessRuleError
from aims.roles import role_names
from aims.view_helpers.forms import ServiceFormMixin
from aims.view_helpers.lists import page_context

from . import scopes as scope_rules
from . import selectors, services
from .forms import ResetPasswordForm, ResetRequestForm, ServiceAccountForm, TokenForm
from .models import ApiToken, ServiceAccount, UserSession

User = get_user_model()


def token_rows(tokens) -> list[dict]:
    return [{"token": t, "scopes": scope_rules.describe(t.scopes)} for t in tokens]


class TokenListView(LoginRequiredMixin, View):
    """Your tokens (officers: anyone's, with ``?user=<id>``)."""

    def get(self, request):
        owner = request.user
        wanted = request.GET.get("user", "")
        if wanted and services.is_account_officer(request.user):
            if not wanted.isdigit():
                raise Http404
            owner = get_object_or_404(User, pk=int(wanted))
        tokens = selectors.token_list(user=request.user, owner_id=owner.pk)
        context = page_context(request, tokens, rows_name="tokens")
        context.update(
            rows=token_rows(context["tokens"]),
            owner=owner,
            is_own=owner.pk == request.user.pk,
            is_officer=services.is_account_officer(request.user),
        )
        return render(request, "accounts/token_list.html", context)


class TokenCreateView(LoginRequiredMixin, ServiceFormMixin, View):
    """A new token: the secret is shown on the answer page, once."""

    template_name = "accounts/token_form.html"

    def token_owner(self):
        return self.request.user

    def make_form(self, data=None):
        return TokenForm(data)

    def context(self) -> dict:
        return {"owner": self.token_owner(), "cancel_url": self.back_url()}

    def back_url(self) -> str:
        return reverse("accounts:token_list")

    def save(self, form):
        return services.token_create(
            actor=self.request.user,
            user=self.token_owner(),
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data["expires_at"],
            ip=client_ip(self.request),
        )

    def post(self, request, *args, **kwargs) -> HttpResponse:
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self.render_form(form, 400)
        try:
            token, secret = self.save(form)
        except (ValidationError, BusinessRuleError) as exc:
            return self.refused(form, exc)
        context = {
            "token": token,
            "secret": secret,
            "scopes": scope_rules.describe(token.scopes),
            "back_url": self.back_url(),
        }
        response = render(request, "accounts/token_created.html", context, status=201)
        response["Cache-Control"] = "no-store"
        return response


class TokenRevokeView(LoginRequiredMixin, View):
    """Confirm, then revoke: one's own token, or (officers) anyone's."""

    def token(self) -> ApiToken:
        return get_object_or_404(
            selectors.visible_tokens(user=self.request.user), pk=self.kwargs["pk"]
        )

    def back_url(self, token: ApiToken) -> str:
        account = ServiceAccount.objects.filter(user_id=token.user_id).first()
        if account is not None and services.is_account_officer(self.request.user):
            return reverse("accounts:service_account_detail", args=[account.pk])
        if token.user_id != self.request.user.pk:
            return reverse("accounts:token_list") + f"?user={token.user_id}"
        return reverse("accounts:token_list")

    def get(self, request, pk):
        token = self.token()
        context = {"token": token, "scopes": scope_rules.describe(token.scopes),
                   "back_url": self.back_url(token)}  # fmt: skip
        return render(request, "accounts/token_revoke.html", context)

    def post(self, request, pk):
        token = self.token()
        try:
            services.token_revoke(
                actor=request.user,
                token=token,
                reason=request.POST.get("reason", "").strip()[:200],
                ip=client_ip(request),
            )
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"The token “{token.name}” is revoked.")
        return HttpResponseRedirect(self.back_url(token))


# --- Sessions -------------------------------------------------------------------------------


class SessionListView(LoginRequiredMixin, View):
    def get(self, request):
        sessions = list(selectors.session_list(user=request.user)[:100])
        return render(
            request,
            "accounts/session_list.html",
            {"sessions": sessions, "current_key": request.session.session_key},
        )


class SessionEndView(LoginRequiredMixin, View):
    def post(self, request, pk):
        session = get_object_or_404(UserSession, pk=pk, user=request.user)
        if session.session_key == request.session.session_key:
            messages.error(request, "This is the session you are using: log out instead.")
        else:
            services.session_end(actor=request.user, session=session)
            messages.success(request, "That session is signed out.")
        return HttpResponseRedirect(reverse("accounts:session_list"))


class SessionEndOthersView(LoginRequiredMixin, View):
    def post(self, request):
        ended = services.sessions_end(user=request.user, except_key=request.session.session_key)
        messages.success(request, f"Signed out of {ended} other session(s).")
        return HttpResponseRedirect(reverse("accounts:session_list"))


# --- Service accounts (officers) ------------------------------------------------------------


class OfficerRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.is_account_officer(request.user):
            raise PermissionDenied("Only governance officers manage service accounts.")
        return super().dispatch(request, *args, **kwargs)


class ServiceAccountListView(OfficerRequiredMixin, View):
    def get(self, request):
        accounts = selectors.service_account_list(user=request.user)
        context = page_context(request, accounts, rows_name="accounts")
        return render(request, "accounts/service_account_list.html", context)


class ServiceAccountDetailView(OfficerRequiredMixin, View):
    def get(self, request, pk):
        account = get_object_or_404(selectors.service_account_list(user=request.user), pk=pk)
        tokens = selectors.token_list(user=request.user, owner_id=account.user_id)
        context = page_context(request, tokens, rows_name="tokens")
        context.update(account=account, rows=token_rows(context["tokens"]),
                       roles=role_names(account.user))  # fmt: skip
        return render(request, "accounts/service_account_detail.html", context)


class ServiceAccountFormView(OfficerRequiredMixin, ServiceFormMixin, View):
    template_name = "accounts/service_account_form.html"

    def account(self) -> ServiceAccount | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(selectors.service_account_list(user=self.request.user),
                                 pk=self.kwargs["pk"])  # fmt: skip

    def make_form(self, data=None):
        account = self.account()
        initial = {}
        if account is not None:
            initial = {
                "name": account.name,
                "description": account.description,
                "owner": account.owner_id,
                "roles": role_names(account.user),
                "is_active": account.user.is_active,
            }
        return ServiceAccountForm(data, instance=account, initial=initial)

    def context(self) -> dict:
        account = self.account()
        cancel = (
            reverse("accounts:service_account_detail", args=[account.pk])
            if account
            else reverse("accounts:service_account_list")
        )
        return {"account": account, "cancel_url": cancel}

    def save(self, form):
        data = form.cleaned_data
        account = self.account()
        fields = {
            "name": data["name"],
            "description": data["description"],
            "owner": data["owner"],
            "roles": data["roles"],
            "is_active": data["is_active"],
        }
        if account is None:
            account = services.service_account_create(actor=self.request.user, **fields)
        else:
            account = services.service_account_update(
                actor=self.request.user, account=account, **fields
            )
        return reverse("accounts:service_account_detail", args=[account.pk])

    def success_message(self, saved) -> str:
        return "The service account is saved."


class ServiceAccountTokenCreateView(OfficerRequiredMixin, TokenCreateView):
    def service_account(self) -> ServiceAccount:
        return get_object_or_404(selectors.service_account_list(user=self.request.user),
                                 pk=self.kwargs["pk"])  # fmt: skip

    def token_owner(self):
        return self.service_account().user

    def back_url(self) -> str:
        return reverse("accounts:service_account_detail", args=[self.kwargs["pk"]])

    def context(self) -> dict:
        return {**super().context(), "account": self.service_account()}


# --- Password reset -------------------------------------------------------------------------


class ThrottledPasswordResetView(PasswordResetView):
    """Django's reset by email, answering the same whether the address is known or not, and
    limited to AIMS_PASSWORD_RESET_RATE requests an hour per client address and per email
    (counted in the shared cache)."""

    template_name = "registration/password_reset_form.html"
    form_class = ResetRequestForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        from django.conf import settings

        from .models import hash_secret

        rate = int(getattr(settings, "AIMS_PASSWORD_RESET_RATE", 5))
        email = form.cleaned_data["email"].strip().lower()
        keys = [
            f"aims:pwreset:ip:{client_ip(self.request)}",
            f"aims:pwreset:email:{hash_secret(email)}",
        ]
        over = False
        for key in keys:
            cache.add(key, 0, timeout=3600)
            try:
                count = cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=3600)
                count = 1
            over = over or count > rate
        if over:
            form.add_error(None, "Too many reset requests: try again in an hour.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class ResetConfirmView(PasswordResetConfirmView):
    form_class = ResetPasswordForm
