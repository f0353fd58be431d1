from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from aims.accounts.views import ResetConfirmView, ThrottledPasswordResetView
from aims.signin import SignInView

urlpatterns = [
    path("", include("aims.web_urls")),
    path("systems/", include("inventory.urls")),
    path("risk/", include("risk.urls")),
    path("suppliers/", include("suppliers.urls")),
    path("incidents/", include("incidents.urls")),
    path("audits/", include("audits.urls")),
    path("capa/", include("aims.capa.urls")),
    path("comments/", include("aims.comments.urls")),
    path("management-system/", include("aims.ms.urls")),
    path("training/", include("aims.competence.urls")),
    path("evidence/", include("aims.evidence.urls")),
    path("reminders/", include("aims.reminders.urls")),
    path("webhooks/", include("aims.webhooks.urls")),
    path("imports/", include("aims.imports.urls")),
    path("controls/iso27001/", include("audits.iso27001.urls")),
    path("controls/", include("audits.soa.urls")),
    path("internal-audits/", include("audits.internal_audits.urls")),
    path("plan/", include("audits.plan.urls")),
    path("certification/", include("audits.certification.urls")),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/sign-ins/", include("aims.signins.urls")),
    path("start/", include("audits.onboarding.urls")),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/", include("aims.accounts.urls")),
    # Password reset by email (Django's views; the names are the ones they refer to).
    path("accounts/password-reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # One password-change page: allauth's own redirects to ours.
    path(
        "accounts/password/change/",
        RedirectView.as_view(pattern_name="password_change", permanent=False),
    ),
    # One password-reset flow: allauth's entry point sends to ours (the one the login page offers).
    path(
        "accounts/password/reset/",
        RedirectView.as_view(pattern_name="password_reset", permanent=False),
    ),
    # django-allauth: its account pages (our sign-in above takes its login path) and the second
    # factor under accounts/2fa/. Its routes are third-party: the role matrix excludes them
    # (tests/matrix/world.py) and tests/aims/mfa tests their access.
    path("accounts/", include("allauth.urls")),
    # Who has a second factor, and the officers' reset (aims.mfa; the person's own page is
    # allauth's accounts/2fa/).
    path("security/", include("aims.mfa.urls")),
    path("api/v1/", include("aims.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (?script), not inline, so the
    # page runs under the Content-Security-Policy (script-src 'self').
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    # SCIM 2.0 provisioning: bearer-authenticated by the identity provider (aims.scim.auth).
    path("scim/v2/", include("aims.scim.urls")),
]

# A database outage outside a view is a 503 too (aims.outage).
handler500 = "aims.outage.server_error"
