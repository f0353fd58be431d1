from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from aims.errors import BusinessRuleError
from aims.outbox.services import WAITING_FOR_BROKER
from aims.permissions import has_perm
from aims.view_helpers import paginate
from aims.views import apply_errors
from inventory.models import AISystem
from inventory.selectors import restrict_systems

from ..models import EvidencePack
from . import selectors, services
from .forms import EvidencePackForm


def _scope_words(pack: EvidencePack) -> str:
    if pack.scope == EvidencePack.Scope.WHOLE:
        return "the whole AIMS"
    if pack.scope == EvidencePack.Scope.PERIOD:
        return f"the period {pack.scope_label}"
    return pack.scope_label


def _outcome(pack: EvidencePack, verb: str) -> tuple[int, str]:
    """What became of a request, read back after the service returned. The build usually runs
    in the background (a Celery worker, or without a broker a thread of the web process) and
    the pack page follows it; where it ran in the request (tests), the pack is already ready or
    failed and the message says so instead of "being built" above a page that shows "Ready"."""
    pack.refresh_from_db()
    what = f"{pack.reference} for {_scope_words(pack)}"
    if pack.status == EvidencePack.Status.READY:
        pages = f"{pack.page_count} page{'s' if pack.page_count != 1 else ''}"
        return messages.SUCCESS, f"{what} {verb} and built ({pages}): ready to download."
    if pack.status == EvidencePack.Status.FAILED:
        return messages.ERROR, f"{what} {verb} but the build failed: {pack.error}"
    if pack.step == WAITING_FOR_BROKER:  # the broker was down: kept, sent when it is back
        return messages.WARNING, f"{what} {verb} and kept. {WAITING_FOR_BROKER}"
    return messages.SUCCESS, f"{what} {verb}; it is being built and this page will update."


def _systems(user):
    return restrict_systems(AISystem.objects.order_by("id"), user)


class PackListView(LoginRequiredMixin, View):
    template_name = "audits/pack_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_perm(request.user, "audits.view_evidencepack"):
            raise PermissionDenied("Evidence packs are for auditors and governance officers.")
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, request, form, status=200):
        page, query = paginate(request, selectors.evidence_pack_list(user=request.user))
        return render(request, self.template_name, {
            "form": form, "page_obj": page, "packs": page.object_list,
            "querystring_without_page": query,
            "can_request": has_perm(request.user, "audits.request_evidencepack"),
        }, status=status)  # fmt: skip

    def get(self, request):
        return self.render_page(request, EvidencePackForm(systems=_systems(request.user)))

    def post(self, request):
        form = EvidencePackForm(request.POST, systems=_systems(request.user))
        if not form.is_valid():
            return self.render_page(request, form, 400)
        try:
            pack = services.evidence_pack_request(actor=request.user, **form.cleaned_data)
        except (ValidationError, BusinessRuleError) as exc:
            return self.render_page(request, form, apply_errors(form, exc))
        messages.add_message(request, *_outcome(pack, "requested"))
        return HttpResponseRedirect(reverse("audits:pack_detail", args=[pack.pk]))


class PackMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.pack = selectors.evidence_pack_get(user=request.user, pk=kwargs["pk"])
        except EvidencePack.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


class PackDetailView(PackMixin, View):
    def get(self, request, pk: int):
        # htmx polls this page while the pack is being built; it swaps only the status inside
        # the page's live region, which stays in place so screen readers announce the change.
        template = (
            "audits/_pack_status.html"
            if request.headers.get("HX-Request")
            else ("audits/pack_detail.html")
        )
        return render(request, template, {"pack": self.pack})


class PackRetryView(PackMixin, View):
    def post(self, request, pk: int):
        try:
            services.evidence_pack_retry(actor=request.user, pack=self.pack)
        except BusinessRuleError as exc:
            if exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        else:
            messages.add_message(request, *_outcome(self.pack, "queued again"))
        return HttpResponseRedirect(reverse("audits:pack_detail", args=[pk]))


class PackDownloadView(PackMixin, View):
    def get(self, request, pk: int, kind: str):
        field = {"pdf": self.pack.pdf, "zip": self.pack.zip}.get(kind)
        if field is None:
            raise Http404
        if self.pack.status != EvidencePack.Status.READY or not field:
            # Only a complete pack is ever served: its files are stored, and the pack marked
            # ready, only once the whole build succeeded (services.evidence_pack_build).
            messages.error(request, services.not_ready_message(self.pack))
            return render(request, "audits/pack_detail.html", {"pack": self.pack}, status=409)
        return FileResponse(field.open("rb"), as_attachment=True,
                            filename=f"{self.pack.reference}.{kind}")  # fmt: skip
