from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from aims.evidence.registry import attachable_model
from aims.evidence.selectors import evidence_library_get

from .dashboard import panels_for
from .errors import BusinessRuleError
from .forms import EvidenceForm
from .models import Evidence
from .permissions import can_change_record, can_view_record
from .roles import role_names
from .services import evidence_create, notification_mark_read


def apply_errors(form, exc: Exception) -> int:
    """Put a service's refusal on the form so the user sees why and loses nothing.

    Returns the HTTP status the re-rendered form should carry.
    """
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return 400
    if isinstance(exc, BusinessRuleError):
        form.add_error(None, exc.message)
        for item in exc.extra.get("missing", []):
            form.add_error(None, item)
        return exc.status_code
    raise exc


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "aims/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panels"] = panels_for(self.request)
        context["roles"] = role_names(self.request.user)
        return context


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "aims/notification_list.html"
    paginate_by = 25
    context_object_name = "notifications"

    def get_queryset(self):
        notes = self.request.user.notifications.all()
        if self.unread_only:
            notes = notes.filter(read_at__isnull=True)
        return notes

    @property
    def unread_only(self) -> bool:
        return self.request.GET.get("unread") == "1"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            unread_only=self.unread_only,
            querystring_without_page="unread=1&" if self.unread_only else "",
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        """Mark the posted ids read, or every unread notification when none is posted."""
        ids = request.POST.getlist("id")
        count = notification_mark_read(
            user=request.user, notification_ids=[int(i) for i in ids if i.isdigit()] or None
        )
        messages.success(request, f"{count} notification(s) marked as read.")
        return HttpResponseRedirect(request.get_full_path())


def _visible_evidence(request, pk: int) -> Evidence:
    """Evidence is as visible as the record it proves, by the one evidence engine the
    library and the API list with (aims.evidence.selectors): what a list shows, opens."""
    try:
        return evidence_library_get(user=request.user, pk=pk)
    except Evidence.DoesNotExist:
        raise Http404 from None


class EvidenceDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        evidence = _visible_evidence(request, pk)
        if evidence.kind != Evidence.Kind.FILE:
            return HttpResponseRedirect(evidence.url)
        return FileResponse(
            evidence.file.open("rb"), as_attachment=True, filename=evidence.original_filename
        )


class EvidenceAttachView(LoginRequiredMixin, FormView):
    """Attach a file or a link to any registered record the user may change."""

    form_class = EvidenceForm
    template_name = "aims/evidence_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        model = attachable_model(kwargs["label"])
        if model is None:
            raise Http404
        self.target = get_object_or_404(model, pk=kwargs["pk"])
        if not can_view_record(request.user, self.target):
            raise Http404
        if not can_change_record(request.user, self.target):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["target"] = self.target
        context["next"] = safe_next(self.request, "/")
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            evidence = evidence_create(
                actor=self.request.user,
                target=self.target,
                title=data["title"],
                description=data["description"],
                file=data.get("file"),
                url=data.get("url") or "",
                valid_until=data.get("valid_until"),
            )
        except (ValidationError, BusinessRuleError) as exc:
            status = apply_errors(form, exc)
            return render(
                self.request, self.template_name, self.get_context_data(form=form), status=status
            )
        messages.success(self.request, f"{evidence.reference} attached to {self.target}.")
        return HttpResponseRedirect(safe_next(self.request, "/"))

    def form_invalid(self, form):
        return render(
            self.request, self.template_name, self.get_context_data(form=form), status=400
        )
