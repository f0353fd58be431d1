"""The bill of materials in the browser, from a system's Components tab: download it, import
one (upload, preview of what changes, confirmation, result), and pre-fill a new component
from a Hugging Face model card. Thin: cyclonedx reads and writes the document, services
plan and import it."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from aims.errors import BusinessRuleError, RuleForbidden

from ..forms import ComponentForm
from ..models import Component
from ..views import SystemMixin
from . import services
from .cyclonedx import MAX_BYTES, MEDIA_TYPE, bom_document, load_document
from .forms import BomConfirmForm, BomUploadForm, ModelCardForm
from .huggingface import MAX_CARD_BYTES, card_prefill


class SystemBomDownloadView(SystemMixin, View):
    """The system's BOM as a CycloneDX 1.6 JSON file (whoever may see the system)."""

    def get(self, request, pk: int):
        body = json.dumps(bom_document(self.system), indent=2)
        response = HttpResponse(body, content_type=MEDIA_TYPE)
        filename = f"{self.system.reference}-bom.cdx.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _refusal_message(exc: Exception) -> str:
    if isinstance(exc, BusinessRuleError):
        return exc.message
    return " ".join(exc.messages)


class SystemBomImportView(SystemMixin, View):
    """Upload a BOM, read what it would change, confirm: the import goes through the same
    service (and change control) as the component and dataset forms."""

    need_change = True
    template_name = "inventory/bom/import.html"

    def page(self, form, status: int = 200, **extra):
        context = {
            "system": self.system,
            "form": form,
            "cancel_url": self.detail_url("components"),
            **extra,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        return self.page(BomUploadForm())

    def post(self, request, pk: int):
        if "document" in request.POST:
            return self.confirm(request)
        form = BomUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form, 400)
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:
                load_document(b" " * (MAX_BYTES + 1))  # refused in the import's own words
            raw = upload.read()
            document = load_document(raw)
            plan = services.bom_plan(actor=request.user, system=self.system, document=document)
        except (BusinessRuleError, ValidationError) as exc:
            form.add_error("file", _refusal_message(exc))
            return self.page(form, 400)
        confirm = BomConfirmForm(initial={"document": raw.decode("utf-8-sig")})
        counts = {action: plan.count(action) for action in services.ACTIONS}
        controlled = any(item.controlled for item in plan.items)
        return self.page(
            form, plan=plan, plan_counts=counts, controlled=controlled, confirm=confirm
        )

    def confirm(self, request):
        form = BomConfirmForm(request.POST)
        if not form.is_valid():
            error = "The previewed BOM did not come back: upload it again."
            return self.page(BomUploadForm(), 400, error=error)
        try:
            document = load_document(form.cleaned_data["document"].encode())
            result = services.bom_import(actor=request.user, system=self.system, document=document)
        except RuleForbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except (BusinessRuleError, ValidationError) as exc:
            status = getattr(exc, "status_code", 400)
            return self.page(BomUploadForm(), status, error=_refusal_message(exc))
        messages.success(request, result.summary())
        for warning in result.plan.warnings:
            messages.warning(request, warning)
        return HttpResponseRedirect(
            self.detail_url("changes" if result.change_requests else "components")
        )


class ComponentPrefillView(SystemMixin, View):
    """A model card in, the component form out, filled in from it, to check and save."""

    need_change = True

    def post(self, request, pk: int):
        card_form = ModelCardForm(request.POST, request.FILES)
        initial, status = {}, 200
        if card_form.is_valid():
            upload = card_form.cleaned_data["card"]
            try:
                prefill = card_prefill(upload.read(MAX_CARD_BYTES + 1))
            except BusinessRuleError as exc:
                card_form.add_error("card", exc.message)
                status = 400
            else:
                initial = prefill.initial
                messages.info(
                    request,
                    "Filled in from the model card: check the fields, then save the component.",
                )
        else:
            status = 400
        context = {
            "system": self.system,
            "model_name": "component",
            "record": Component(system=self.system),
            "form": ComponentForm(initial=initial),
            "card_form": card_form,
            "form_action": reverse("inventory:component_add", args=[self.system.pk]),
            "cancel_url": self.detail_url("components"),
        }
        return render(request, "inventory/child_form.html", context, status=status)
