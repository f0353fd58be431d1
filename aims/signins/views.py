"""The sign-in audit page and the unlock action (governance officers and administrators).
Thin: aims.signins.selectors reads, aims.signins.services writes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views import View

from aims.signins import lockout
from aims.signins.forms import SignInEventFilterForm, UnlockForm
from aims.signins.selectors import may_read_sign_ins, sign_in_event_list
from aims.signins.services import account_unlock, unlock_refusal

PAGE_SIZE = 50


class SignInEventListView(LoginRequiredMixin, View):
    def get(self, request):
        if not may_read_sign_ins(request.user):
            raise PermissionDenied
        form = SignInEventFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        page = Paginator(sign_in_event_list(user=request.user, filters=filters), PAGE_SIZE)
        page_obj = page.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "signins/event_list.html",
            {
                "form": form,
                "page_obj": page_obj,
                "events": page_obj.object_list,
                "querystring_without_page": f"{query.urlencode()}&" if query else "",
                "can_unlock": unlock_refusal(request.user) is None,
                "lockout_minutes": (lockout.lockout_seconds() or 0) // 60,
                "lockout_failures": settings.AIMS_LOCKOUT_FAILURES,
                "account_failures": settings.AIMS_LOCKOUT_ACCOUNT_FAILURES,
            },
        )


class UnlockView(LoginRequiredMixin, View):
    """GET asks for confirmation; POST unlocks the account (every address)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and unlock_refusal(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = UnlockForm(initial={"username": request.GET.get("username", "")[:150]})
        return render(request, "signins/unlock_confirm.html", {"form": form})

    def post(self, request):
        form = UnlockForm(request.POST)
        if not form.is_valid():
            return render(request, "signins/unlock_confirm.html", {"form": form}, status=400)
        username = form.cleaned_data["username"]
        account_unlock(actor=request.user, username=username, request=request)
        messages.success(request, f"{username} may sign in again from every address.")
        return redirect("signins:event_list")
