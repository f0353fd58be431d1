"""Browser pages of certification bodies, external audits and certificates. Thin: reads
through audits.certification.selectors, writes through audits.certification.services. A
record the user may not view is a 404; a write the role does not allow is a 403; a refused
rule is shown on the page with its reason."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render

from aims.history_diff import record_history
from aims.models import record_number
from aims.permissions import has_perm
from aims.view_helpers import ListPageMixin, paginate

from ..view_bases import Base, FormPage
from . import findings as finding_services
from . import selectors, services
from .audit_forms import (
    AuditFilterForm,
    AuditForm,
    BodyForm,
    CancelForm,
    CertificateFilterForm,
    CertificateForm,
    CertificateTransitionForm,
    CompleteForm,
    StartForm,
)
from .models import Certificate, CertificationBody, ExternalAudit

T = "certification/"

# --- Bodies ---------------------------------------------------------------------------------


class BodyMixin:
    def load(self, request, pk: int, **kwargs) -> None:
        try:
            self.body = selectors.body_get(user=request.user, pk=pk)
        except CertificationBody.DoesNotExist:
            raise Http404 from None


class BodyListView(Base):
    permission = "audits.view_certificationbody"

    def get(self, request):
        page, qs = paginate(request, selectors.body_list(user=request.user))
        return render(
            request,
            T + "body_list.html",
            {
                "page_obj": page,
                "querystring_without_page": qs,
                "can_add": has_perm(request.user, "audits.add_certificationbody"),
            },
        )


class BodyDetailView(BodyMixin, Base):
    def get(self, request, pk: int):
        body = self.body
        return render(
            request,
            T + "body_detail.html",
            {
                "body": body,
                "audits": selectors.audit_list(user=request.user, filters={"body": body.pk})[:50],
                "certificates": selectors.certificate_list(
                    user=request.user, filters={"body": body.pk}
                ),
                "can_change": has_perm(request.user, "audits.change_certificationbody"),
                "can_plan": has_perm(request.user, "audits.add_externalaudit"),
                "history": record_history(body),
            },
        )


class BodyCreateView(FormPage):
    permission = "audits.add_certificationbody"
    template_name = T + "body_form.html"

    def make_form(self, data=None):
        return BodyForm(data)

    def save(self, form):
        body = services.body_save(
            actor=self.request.user, body=CertificationBody(), data=form.cleaned_data
        )
        messages.success(self.request, f"{body.reference} {body.name} recorded.")
        return services.body_url(body)


class BodyEditView(BodyMixin, FormPage):
    permission = "audits.change_certificationbody"
    template_name = T + "body_form.html"

    def make_form(self, data=None):
        return BodyForm(data, instance=CertificationBody.objects.get(pk=self.body.pk))

    def context(self):
        return {"body": self.body}

    def save(self, form):
        services.body_save(actor=self.request.user, body=self.body, data=form.cleaned_data)
        messages.success(self.request, f"{self.body.reference} saved.")
        return services.body_url(self.body)


# --- External audits ------------------------------------------------------------------------


class AuditMixin:
    def load(self, request, pk: int, **kwargs) -> None:
        try:
            self.audit = selectors.audit_get(user=request.user, pk=pk)
        except ExternalAudit.DoesNotExist:
            raise Http404 from None

    def back(self) -> str:
        return services.audit_url(self.audit)


def _systems(audit: ExternalAudit) -> str:
    return ", ".join(s.reference for s in audit.sampled_systems.all())


AUDIT_EXPORT = [
    ("Reference", lambda a: a.reference),
    ("Title", lambda a: a.title),
    ("Kind", lambda a: a.get_kind_display()),
    ("Body", lambda a: a.body.name),
    ("Certificate", lambda a: a.certificate.number if a.certificate_id else ""),
    ("Start", lambda a: a.start_date),
    ("End", lambda a: a.end_date),
    ("Status", lambda a: a.get_status_display()),
    ("Outcome", lambda a: a.get_outcome_display()),
    ("Lead auditor", lambda a: a.lead_auditor),
    ("AI systems sampled", _systems),
    ("Open findings", lambda a: a.open_findings),
    ("Scope", lambda a: a.scope),
]


class AuditListView(ListPageMixin, Base):
    """The register of external audits: search, filters (kind, status, body, year), sortable
    columns, pages, and the same list as CSV or XLSX."""

    permission = "audits.view_externalaudit"
    template_name = T + "audit_list.html"
    rows_name = "audits"
    sortable, default_sort = selectors.AUDIT_SORTABLE, "-start"
    page_sizes = (25, 50, 100)
    export_columns = AUDIT_EXPORT
    export_filename = "external-audits.csv"

    def get_filter_form(self):
        return AuditFilterForm(self.request.GET or None, years=selectors.audit_years())

    def rows(self, filters):
        qs = selectors.audit_list(user=self.request.user, filters=filters)
        return qs.prefetch_related("sampled_systems") if self.export else qs

    def extra_context(self, page):
        return {
            "columns": [
                ("reference", "Ref."),
                ("title", "Title"),
                ("kind", "Kind"),
                ("body", "Body"),
                ("start", "Dates"),
                ("status", "Status"),
                ("", "Open findings"),
            ],
            "can_add": has_perm(self.request.user, "audits.add_externalaudit"),
        }


class AuditCreateView(FormPage):
    permission = "audits.add_externalaudit"
    template_name = T + "audit_form.html"

    def make_form(self, data=None):
        initial = {}
        for name in ("body", "certificate"):
            number = record_number(self.request.GET.get(name, ""))
            if number is not None:
                initial[name] = number
        if self.request.GET.get("kind") in ExternalAudit.Kind.values:
            initial["kind"] = self.request.GET["kind"]
        return AuditForm(data, initial=initial)

    def save(self, form):
        audit = services.audit_save(
            actor=self.request.user, audit=ExternalAudit(), data=dict(form.cleaned_data)
        )
        messages.success(self.request, f"{audit.reference} planned.")
        warning = services.stage2_warning(audit)
        if warning:
            messages.warning(self.request, warning)
        return services.audit_url(audit)


class AuditEditView(AuditMixin, FormPage):
    permission = "audits.change_externalaudit"
    template_name = T + "audit_form.html"

    def make_form(self, data=None):
        return AuditForm(data, instance=ExternalAudit.objects.get(pk=self.audit.pk))

    def context(self):
        return {"audit": self.audit, "refusal": services.audit_edit_refusal(self.audit)}

    def save(self, form):
        services.audit_save(actor=self.request.user, audit=self.audit, data=dict(form.cleaned_data))
        messages.success(self.request, f"{self.audit.reference} saved.")
        return services.audit_url(self.audit)


class AuditDetailView(AuditMixin, Base):
    def get(self, request, pk: int):
        audit, user = self.audit, request.user
        can_change = has_perm(user, "audits.change_externalaudit")
        planned = audit.status == ExternalAudit.Status.PLANNED
        return render(
            request,
            T + "audit_detail.html",
            {
                "audit": audit,
                "findings": audit.findings.order_by("id"),
                "transitions": services.available_transitions(actor=user, audit=audit),
                "can_change": can_change and services.audit_edit_refusal(audit) is None,
                "stage2_warning": services.stage2_warning(audit),
                "readiness": selectors.audit_readiness(audit, user=user) if planned else None,
                "issued": Certificate.objects.filter(issuing_audit=audit).first(),
                "can_record_finding": finding_services.record_refusal(user, audit) is None,
                "can_issue": has_perm(user, "audits.add_certificate")
                and services.certificate_issue_refusal(audit) is None,
                "history": record_history(audit),
            },
        )


class AuditTransitionView(AuditMixin, FormPage):
    """The confirmation page of start, complete and cancel; the POST calls the service."""

    permission = "audits.change_externalaudit"
    template_name = T + "audit_transition.html"

    def load(self, request, pk: int, **kwargs) -> None:
        super().load(request, pk)
        self.action = kwargs["action"]
        if self.action not in services.TRANSITIONS:
            raise Http404

    def make_form(self, data=None):
        if self.action == "complete":
            return CompleteForm(data, outcomes=services.OUTCOMES_BY_KIND[self.audit.kind])
        if self.action == "cancel":
            return CancelForm(data)
        return StartForm(data)

    def context(self):
        return {
            "audit": self.audit,
            "action": self.action,
            "transition": services.TRANSITIONS[self.action],
            "refusal": services.audit_transition_refusal(self.audit, self.action),
            "stage2_warning": services.stage2_warning(self.audit),
        }

    def save(self, form):
        audit = services.audit_transition(
            actor=self.request.user, audit=self.audit, action=self.action, **form.cleaned_data
        )
        messages.success(self.request, f"{audit.reference}: {audit.get_status_display().lower()}.")
        return services.audit_url(audit)


# --- Certificates ---------------------------------------------------------------------------


class CertificateMixin:
    def load(self, request, pk: int, **kwargs) -> None:
        try:
            self.certificate = selectors.certificate_get(user=request.user, pk=pk)
        except Certificate.DoesNotExist:
            raise Http404 from None

    def back(self) -> str:
        return services.certificate_url(self.certificate)


class CertificateListView(ListPageMixin, Base):
    permission = "audits.view_certificate"
    template_name = T + "certificate_list.html"
    rows_name = "certificates"
    filter_form_class = CertificateFilterForm
    page_sizes = (25, 50, 100)

    def rows(self, filters):
        return selectors.certificate_list(user=self.request.user, filters=filters)

    def extra_context(self, page):
        return {"can_add": has_perm(self.request.user, "audits.add_certificate")}


class CertificateDetailView(CertificateMixin, Base):
    def get(self, request, pk: int):
        certificate, user = self.certificate, request.user
        audits = list(
            selectors.audit_list(user=user, filters={"certificate": certificate.pk}).order_by(
                "start_date", "id"
            )
        )
        return render(
            request,
            T + "certificate_detail.html",
            {
                "certificate": certificate,
                "audits": audits,
                "next_audit": selectors.next_audit(user=user, certificate=certificate),
                "transitions": services.available_certificate_transitions(
                    actor=user, certificate=certificate
                ),
                "superseded_by": Certificate.objects.filter(
                    issuing_audit__certificate=certificate
                ).first(),
                "history": record_history(certificate),
            },
        )


class CertificateCreateView(FormPage):
    permission = "audits.add_certificate"
    template_name = T + "certificate_form.html"

    def make_form(self, data=None):
        audits = selectors.issuable_audits(user=self.request.user)
        initial = {}
        number = record_number(self.request.GET.get("audit", ""))
        if number is not None:
            audit = audits.filter(pk=number).first()
            if audit is not None:
                initial = {"issuing_audit": audit.pk, "body": audit.body_id, "scope": audit.scope}
        return CertificateForm(data, audits=audits, initial=initial)

    def save(self, form):
        certificate = services.certificate_record(
            actor=self.request.user, data=dict(form.cleaned_data)
        )
        planned = certificate.audits.filter(status=ExternalAudit.Status.PLANNED).count()
        messages.success(
            self.request,
            f"Certificate {certificate.number} recorded; {planned} audit"
            f"{'s' if planned != 1 else ''} of its cycle planned.",
        )
        return services.certificate_url(certificate)


class CertificateTransitionView(CertificateMixin, FormPage):
    permission = "audits.change_certificate"
    template_name = T + "certificate_transition.html"

    def load(self, request, pk: int, **kwargs) -> None:
        super().load(request, pk)
        self.action = kwargs["action"]
        if self.action not in services.CERTIFICATE_TRANSITIONS:
            raise Http404

    def make_form(self, data=None):
        return CertificateTransitionForm(data)

    def context(self):
        return {
            "certificate": self.certificate,
            "action": self.action,
            "transition": services.CERTIFICATE_TRANSITIONS[self.action],
            "refusal": services.certificate_transition_refusal(self.certificate, self.action),
        }

    def save(self, form):
        certificate = services.certificate_transition(
            actor=self.request.user,
            certificate=self.certificate,
            action=self.action,
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            self.request,
            f"Certificate {certificate.number}: {certificate.get_status_display().lower()}.",
        )
        return services.certificate_url(certificate)
