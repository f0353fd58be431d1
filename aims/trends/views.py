"""The printable executive summary (HTML with print styles) and its PDF."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import View

from .pdf import html_to_pdf
from .selectors import executive_summary
from .services import trends_refusal


class SummaryMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            refusal = trends_refusal(request.user)
            if refusal is not None:
                raise PermissionDenied(refusal.message)
        return super().dispatch(request, *args, **kwargs)

    def summary_context(self, request) -> dict:
        context = executive_summary(user=request.user)
        context["printed_at"] = timezone.localtime()
        context["printed_by"] = request.user
        return context


class SummaryView(SummaryMixin, View):
    def get(self, request):
        return render(request, "aims/trends/summary.html", self.summary_context(request))


class SummaryPdfView(SummaryMixin, View):
    def get(self, request):
        context = self.summary_context(request)
        markup = render_to_string("aims/trends/summary_pdf.html", context, request=request)
        response = HttpResponse(html_to_pdf(markup), content_type="application/pdf")
        name = f"aims-executive-summary-{context['today']:%Y-%m-%d}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response
