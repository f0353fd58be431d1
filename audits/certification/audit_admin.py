"""Admin of certification bodies, external audits and certificates: history is read there,
never reverted, and nothing is deleted (the services keep the cycle meaningful). Registered
from audits.certification.wiring.register()."""

from django.contrib import admin

from aims.admin import ReadOnlyHistoryAdmin

from .models import Certificate, CertificationBody, ExternalAudit


class CertificationBodyAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "name", "accreditation", "country")
    search_fields = ("name",)


class ExternalAuditAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "kind", "title", "body", "start_date", "status", "outcome")
    list_filter = ("kind", "status", "body")
    search_fields = ("title",)


class CertificateAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "number", "body", "issued_on", "expires_on", "status")
    list_filter = ("status", "body")
    search_fields = ("number",)


ADMINS = {
    CertificationBody: CertificationBodyAdmin,
    ExternalAudit: ExternalAuditAdmin,
    Certificate: CertificateAdmin,
}


def register() -> None:
    for model, model_admin in ADMINS.items():
        if not admin.site.is_registered(model):
            admin.site.register(model, model_admin)
