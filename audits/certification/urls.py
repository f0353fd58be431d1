"""The "certification" namespace, mounted at /certification/: certification bodies, external
audits and certificates; the body's findings and our responses; auditor accounts."""

from .access_urls import urlpatterns as access_patterns
from .audit_urls import urlpatterns as audit_patterns
from .finding_urls import urlpatterns as finding_patterns

app_name = "certification"
urlpatterns = [*audit_patterns, *finding_patterns, *access_patterns]
