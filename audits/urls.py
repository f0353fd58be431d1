"""The "audits" namespace, mounted at /audits/: the audit trail and evidence packs. The SoA
("soa", /controls/) and internal audits with management reviews ("internal_audits",
/internal-audits/) have their own namespaces, mounted by aims.urls."""

from .packs.urls import urlpatterns as pack_patterns
from .trail.urls import urlpatterns as trail_patterns

app_name = "audits"
urlpatterns = [*trail_patterns, *pack_patterns]
