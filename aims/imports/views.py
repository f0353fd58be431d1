"""Pages of imports: the list of imports, the upload form (with the templates), an import's
preview (counts and refused rows) with its commit, and the template files. Thin: selectors
read, services write."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from aims.errors import BusinessRuleError
from aims.view_helpers.lists import page_context
from aims.views import apply_errors

from . import selectors, services
from .forms import ImportUploadForm
from .kinds import all_kinds, get_kind
from .models import ImportJob
from .templates import template_response


def _kinds_for(user) -> list[tuple[str, str]]:
    return [(k.name, k.label) for k in all_kinds() if services.can_import(user, k)]


class ImportListView(LoginRequiredMixin, View):
    """Every signed-in user sees the imports they may read (their own; officers and
    auditors every import), as the API list does."""

    def get(self, request):
        user = request.user
        rows = selectors.import_list(user=user)
        context = page_context(request, rows, rows_name="imports")
        context["can_import"] = services.can_import(user)
        return render(request, "imports/import_list.html", context)


class ImportUploadView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _kinds_for(request.user):
            raise PermissionDenied("You may not import.")
        return super().dispatch(request, *args, **kwargs)

    def show(self, form, status: int = 200):
        context = {"form": form, "kinds": all_kinds()}
        return render(self.request, "imports/import_form.html", context, status=status)

    def get(self, request):
        return self.show(ImportUploadForm(kinds=_kinds_for(request.user)))

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES, kinds=_kinds_for(request.user))
        if not form.is_valid():
            return self.show(form, 400)
        try:
            job = services.import_upload(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                uploaded=form.cleaned_data["file"],
            )
        except BusinessRuleError as error:
            return self.show(form, apply_errors(form, error))
        return HttpResponseRedirect(reverse("imports:import_detail", args=[job.pk]))


class ImportDetailView(LoginRequiredMixin, View):
    def job(self) -> ImportJob:
        return get_object_or_404(
            selectors.import_list(user=self.request.user), pk=self.kwargs["pk"]
        )

    def get(self, request, pk: int):
        job = self.job()
        context = {
            "job": job,
            "kind": get_kind(job.kind),
            "can_commit": services.can_commit(request.user, job),
        }
        return render(request, "imports/import_detail.html", context)


class ImportCommitView(ImportDetailView):
    """GET asks to confirm; POST commits (all rows or none)."""

    def get(self, request, pk: int):
        job = self.job()
        if not services.can_commit(request.user, job):
            raise PermissionDenied("This import cannot be committed.")
        return render(request, "imports/import_commit.html", {"job": job})

    def post(self, request, pk: int):
        job = self.job()
        try:
            job = services.import_commit(actor=request.user, job=job)
        except BusinessRuleError as error:
            if error.status_code == 403:
                raise PermissionDenied(error.message) from None
            messages.error(request, error.message)
        else:
            if job.status == ImportJob.Status.COMMITTED:
                messages.success(request, f"{job.reference} committed.")
            else:
                messages.error(request, "Nothing was written: some rows were refused.")
        return HttpResponseRedirect(reverse("imports:import_detail", args=[job.pk]))


class ImportTemplateView(LoginRequiredMixin, View):
    def get(self, request, kind: str, file_format: str):
        found = get_kind(kind)
        if found is None or file_format not in ImportJob.Format.values:
            raise Http404
        return template_response(found, file_format)
