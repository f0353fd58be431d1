"""API routes of certification: /api/v1/certification-bodies/, /api/v1/external-audits/,
/api/v1/certificates/, /api/v1/external-findings/ and auditor accesses."""

from .access_urls import urlpatterns as access_patterns
from .audits_urls import urlpatterns as audit_patterns
from .findings_urls import urlpatterns as finding_patterns

urlpatterns = [*audit_patterns, *finding_patterns, *access_patterns]
