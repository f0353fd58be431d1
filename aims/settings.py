"""Settings for AIMS.

Twelve-factor: everything that differs between the embedded default and production comes
from environment variables. The embedded default needs nothing running (SQLite, eager
Celery, console email, local media). ``AIMS_ENV=production`` makes the unsafe development
fallbacks an error instead of a default.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("AIMS_VAR_DIR", BASE_DIR / "var"))

AIMS_ENV = os.environ.get("AIMS_ENV", "development")
PRODUCTION = AIMS_ENV == "production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when AIMS_ENV=production.")
    SECRET_KEY = DEV_SECRET_KEY
    if "runserver" in sys.argv:
        print("WARNING: using the development SECRET_KEY; set SECRET_KEY in production.")

DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when AIMS_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "django_celery_beat",
    # Lockout after repeated failed sign-ins, counted in the shared cache (aims.signins.lockout).
    "axes",
    # The Content-Security-Policy header (no inline script or style anywhere).
    "csp",
    # Sign-in (accounts, sessions' login flow) and multi-factor authentication: django-allauth.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Single sign-on (aims.sso): OpenID Connect and SAML 2.0 identity providers.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    # Domain apps, lowest layer first (a lower app never imports a higher one).
    "aims",
    "suppliers",
    "inventory",
    "risk",
    "incidents",
    "audits",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A write to an API URL without its trailing slash: a JSON 404, before CommonMiddleware's
    # APPEND_SLASH (which cannot redirect a POST and raises in DEBUG).
    "aims.api.trailing_slash.ApiTrailingSlashMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Object permissions and selected records read once in a read-only request (aims.read_once).
    "aims.read_once.ReadOnceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # allauth's login flow (pending stages such as the second factor) needs the request.
    "allauth.account.middleware.AccountMiddleware",
    # Ends the session of a time-boxed account (a certification auditor's) once it is refused.
    "aims.signin.RefusedAccountMiddleware",
    # Index of each user's signed-in sessions: last seen time and address (aims.accounts).
    "aims.accounts.middleware.SessionActivityMiddleware",
    # Holds a person whose role requires a second factor on the enrolment pages until they
    # have one (aims.mfa, AIMS_MFA_REQUIRED_ROLES).
    "aims.mfa.middleware.MFAEnrolmentMiddleware",
    # SSO-only mode: the password change and reset pages refused (aims.sso).
    "aims.sso.middleware.SSOOnlyPasswordPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a sign-in refused for repeated failures into the "sign-in paused" page (last).
    "axes.middleware.AxesMiddleware",
    # A database outage during a view: 503 "nothing was saved, try again", not a server error.
    "aims.outage.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "aims.urls"
WSGI_APPLICATION = "aims.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aims.context_processors.navigation",
            ],
            # Dates, people and badges render one way on every page (aims/templatetags/aims_ui.py).
            "builtins": ["aims.templatetags.aims_ui"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'aims.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in (browser, admin, API token) while the account is locked out.
    # (axes' AxesStandaloneBackend, aims.signins.lockout).
    "aims.signins.lockout.LockoutBackend",
    # allauth's backend (allauth.account.auth_backends.AuthenticationBackend, itself Django's
    # model backend), refusing a time-boxed account outside its window (aims.signin). It is not
    # listed a second time unrefusing: Django tries each backend, so the plain one would let a
    # refused account in.
    "aims.signin.Backend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Time-boxed accounts (aims.signin): which accounts are limited, and why one is refused today.
AIMS_LIMITED_ACCOUNT = "audits.certification.access.is_certification_auditor"
AIMS_ACCOUNT_REFUSAL = "audits.certification.access.auditor_access_refusal"
AIMS_LIMITED_HOME = "certification:my_audit"
# How many reverse proxies in front of the app append to X-Forwarded-For (aims.client_ip): the
# client's address is read that many hops from the right. 0 (the default): the header is ignored.
AIMS_TRUSTED_PROXY_COUNT = int(os.environ.get("AIMS_TRUSTED_PROXY_COUNT", "0"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "aims:dashboard"
LOGOUT_REDIRECT_URL = "login"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous object permissions

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
MEDIA_URL = "media/"
if not PRODUCTION:
    # The embedded default needs its folders; whitenoise warns when STATIC_ROOT is missing.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    # Object storage, so web and worker replicas on several hosts see the same files.
    # Access keys come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, read by boto3.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": None,
            "file_overwrite": False,
        },
    }

# Evidence uploads: what an auditor can open, nothing executable, and a sane size.
EVIDENCE_MAX_UPLOAD_BYTES = int(os.environ.get("EVIDENCE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
EVIDENCE_ALLOWED_EXTENSIONS = [
    "pdf", "png", "jpg", "jpeg", "gif", "txt", "csv", "md", "json",
    "docx", "xlsx", "pptx", "odt", "ods",
]  # fmt: skip
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Email: console by default, SMTP in production through EMAIL_* variables.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "aims@localhost")
AIMS_BASE_URL = os.environ.get("AIMS_BASE_URL", "http://127.0.0.1:8000")

# Celery: without a broker, tasks run eagerly in the calling process.
BROKER_CONFIGURED = bool(os.environ.get("CELERY_BROKER_URL"))
# "memory://" only keeps kombu from looking for a broker on localhost; nothing is queued.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://"
CELERY_RESULT_BACKEND = os.environ.get(
    "CELERY_RESULT_BACKEND", CELERY_BROKER_URL if BROKER_CONFIGURED else None
)
CELERY_TASK_ALWAYS_EAGER = not BROKER_CONFIGURED
CELERY_TASK_EAGER_PROPAGATES = True
# Without a broker, a long job (an evidence pack build takes seconds) would hold the request
# that asked for it: it runs in a background thread of the web process once the request's
# transaction commits, and the page shows its progress. The tests keep it in the request.
AIMS_BACKGROUND_THREAD_TASKS = CELERY_TASK_ALWAYS_EAGER
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Periodic tasks live in the database (django-celery-beat), where officers change them in
# /reminders/ without a deployment. migrate creates the project's schedules once
# (aims.reminders.services.SCHEDULES: the daily reminder sweep at 06:00, the monitoring
# staleness check every 5 minutes) and never overwrites them; no file schedule is kept, as
# beat would write its entries over the officers' edits at every start.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's session and token authentication, refusing a time-boxed account outside its
        # window with the reason (aims.signin).
        "aims.signin.RefusingSessionAuthentication",
        "aims.signin.RefusingTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "aims.api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "aims.api.schema.AIMSAutoSchema",
    "EXCEPTION_HANDLER": "aims.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Counted per real client address (aims.client_ip) in the shared cache.
    "DEFAULT_THROTTLE_RATES": {"token": "20/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AIMS API",
    "DESCRIPTION": "REST API of the AIMS ISO/IEC 42001 AI management system.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs are for logged-in users and integrations only. Token first, so an
    # anonymous request gets 401 with WWW-Authenticate rather than 403.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": [
        "aims.signin.RefusingTokenAuthentication",
        "aims.signin.RefusingSessionAuthentication",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "EvidenceKindEnum": "aims.models.Evidence.Kind",
        "ImportFileFormatEnum": "aims.imports.models.ImportJob.Format",
        "ComponentKindEnum": "inventory.models.Component.Kind",
        "ChangeRequestKindEnum": "inventory.models.ChangeRequest.Kind",
        "IncidentSeverityEnum": "incidents.models.Severity",
        "GapSeverityEnum": "audits.soa.gaps.SEVERITIES",
        "RiskLevelEnum": "risk.models.Level",
        "RiskTierEnum": "inventory.models.RiskTier",
        "RiskCategoryEnum": "risk.models.Risk.Category",
        "RiskTreatmentEnum": "risk.models.Risk.Treatment",
        "RiskSourceEnum": "risk.models.Risk.Source",
        "RiskAcceptanceEnum": "risk.models.Risk.Acceptance",
        "TreatmentActionStatusEnum": "risk.models.TreatmentAction.Status",
        "ImpactAssessmentStatusEnum": "risk.models.ImpactAssessment.Status",
        "EUClassEnum": "risk.models.EUClass",
        "ConfirmedEUClassEnum": "risk.models.CONFIRMABLE",
        "OperatorRoleEnum": "risk.models.OperatorRole",
        "ValidationResultEnum": "inventory.models.ValidationRecord.Result",
        "CorrectiveActionStatusEnum": "aims.models.CorrectiveAction.Status",
        "SupplierReviewStatusEnum": "suppliers.models.SupplierReview.Status",
        "SupplierReviewDecisionEnum": "suppliers.models.SupplierReview.Decision",
        "VendorChangeStatusEnum": "suppliers.models.VendorChangeNotice.Status",
        "ApprovalDecisionEnum": "inventory.models.Approval.Decision",
        "ChangeRequestStatusEnum": "inventory.models.ChangeRequest.Status",
        "IncidentStatusEnum": "incidents.models.Status",
        "IncidentCategoryEnum": "incidents.models.Category",
        "SeriousCaseEnum": "incidents.models.SeriousCase",
        "AlertKindEnum": "incidents.models.Alert.Kind",
        "EvidencePackStatusEnum": "audits.models.EvidencePack.Status",
        "VendorChangeKindEnum": "suppliers.models.ChangeKind",
        "VendorChangeSourceEnum": "suppliers.models.ChangeSource",
        "InterestedPartyCategoryEnum": "aims.models.InterestedParty.Category",
        "ContextIssueCategoryEnum": "aims.models.ContextIssue.Category",
        "ContextIssueKindEnum": "aims.models.ContextIssue.Kind",
        "PolicyVersionStatusEnum": "aims.models.PolicyVersion.Status",
        "ObjectiveStatusEnum": "aims.models.Objective.Status",
        "CatalogueItemKindEnum": "audits.models.CatalogueItem.Kind",
        "ControlImplementationEnum": "audits.models.ControlStatement.Implementation",
        "SecurityControlImplementationEnum": "audits.models.SecurityControl.Implementation",
        "SecurityControlThemeEnum": "audits.models.SecurityControl.Theme",
        "ControlMappingStatusEnum": "audits.models.ControlMapping.Status",
        "ControlMappingSourceEnum": "audits.models.ControlMapping.Source",
        "ProposedMappingSourceEnum": "audits.iso27001.api.serializers.USER_SOURCES",
        "CrosswalkFrameworkEnum": "audits.models.Crosswalk.Framework",
        "FindingKindEnum": "audits.models.Finding.Kind",
        "FindingStatusEnum": "audits.models.Finding.Status",
        "ReviewActionStatusEnum": "audits.models.ReviewAction.Status",
        "ChecklistResultEnum": "audits.models.ChecklistItem.Result",
        "InternalAuditStatusEnum": "audits.models.InternalAudit.Status",
        "ManagementReviewStatusEnum": "audits.models.ManagementReview.Status",
        "PlanTaskStatusEnum": "audits.models.PlanTask.Status",
        "PlanTaskPhaseEnum": "audits.models.PlanTask.Phase",
        "ExternalFindingKindEnum": "audits.models.ExternalFinding.Kind",
        "ExternalFindingStatusEnum": "audits.models.ExternalFinding.Status",
        "ExternalAuditKindEnum": "audits.models.ExternalAudit.Kind",
        "ExternalAuditStatusEnum": "audits.models.ExternalAudit.Status",
        "ExternalAuditOutcomeEnum": "audits.models.ExternalAudit.Outcome",
        "CertificateStatusEnum": "audits.models.Certificate.Status",
        "ApiTokenStatusEnum": "aims.accounts.models.ApiToken.Status",
        "WebhookEventTypeEnum": "aims.webhooks.events.Event",
    },
}

# The audit trail's Ed25519 signing key (checkpoints, pack manifests): PEM text or the raw 32
# bytes in base64, or a PEM file. Outside production a key file under var/ is created on first
# use; production requires one of the two (``check --deploy`` says so).
AUDIT_TRAIL_SIGNING_KEY = os.environ.get("AUDIT_TRAIL_SIGNING_KEY", "")
AUDIT_TRAIL_SIGNING_KEY_FILE = os.environ.get("AUDIT_TRAIL_SIGNING_KEY_FILE", "")
# How long a history row may wait for its seal (lock waits) before it counts as back-dated.
AUDIT_TRAIL_MAX_SEAL_DELAY = int(os.environ.get("AUDIT_TRAIL_MAX_SEAL_DELAY", "600"))

SIMPLE_HISTORY_REVERT_DISABLED = True  # history is evidence: never rewritten from the admin
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

AIMS_DEMO_PASSWORD = os.environ.get("AIMS_DEMO_PASSWORD", "aims-demo-2026")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag instead
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# --- Shared cache, sign-in lockout and the sign-in audit (aims.signins) ---------------------
# One cache every web worker shares: lockout counters and API throttles live there, so all
# workers agree. AIMS_CACHE_URL (or REDIS_URL): redis://host:6379/1 (rediss://, unix://) in
# production; file:///path for a folder; locmem:// is process-local (``check --deploy`` refuses
# it). Unset: a folder under var/, shared by every process on this machine.
AIMS_CACHE_URL = os.environ.get("AIMS_CACHE_URL") or os.environ.get("REDIS_URL", "")


def cache_from_url(url: str) -> dict:
    """A CACHES entry from a URL (empty: the embedded folder cache)."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme == "file" or not url:
        folder = url.split("://", 1)[1] if url else str(VAR_DIR / "cache")
        # A lockout counter must not be culled for room: allow many entries.
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": folder,
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    raise ImproperlyConfigured(f"AIMS_CACHE_URL: unknown scheme {scheme!r} (redis, file, locmem).")


CACHES = {"default": cache_from_url(AIMS_CACHE_URL)}
# Lockout (django-axes): after AIMS_LOCKOUT_FAILURES failed sign-ins for one account from one
# client address, that pair is refused for AIMS_LOCKOUT_MINUTES, right password included; after
# AIMS_LOCKOUT_ACCOUNT_FAILURES failures for one account from any addresses (an attacker
# rotating addresses), the account is refused everywhere for as long. 0 turns a limit off.
AIMS_LOCKOUT_FAILURES = int(os.environ.get("AIMS_LOCKOUT_FAILURES", "5"))
AIMS_LOCKOUT_ACCOUNT_FAILURES = int(os.environ.get("AIMS_LOCKOUT_ACCOUNT_FAILURES", "20"))
AIMS_LOCKOUT_MINUTES = int(os.environ.get("AIMS_LOCKOUT_MINUTES", "15"))
AXES_ENABLED = AIMS_LOCKOUT_FAILURES > 0 or AIMS_LOCKOUT_ACCOUNT_FAILURES > 0
AXES_HANDLER = "aims.signins.lockout.LockoutHandler"  # the cache handler, two limits
AXES_FAILURE_LIMIT = AIMS_LOCKOUT_FAILURES or 10**9
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_COOLOFF_TIME = timedelta(minutes=AIMS_LOCKOUT_MINUTES) if AIMS_LOCKOUT_MINUTES else None
AXES_CLIENT_IP_CALLABLE = "aims.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "aims.signins.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # counters live in the cache; the sign-in audit is aims.signins
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# --- Provisioning with SCIM 2.0 (aims.scim, on django-scim2) ---------------------------------
# Off unless enabled: /scim/v2/ answers 404. On, it answers only the bearer token of a SCIM
# client created by an administrator (admin "SCIM clients" or ``manage.py scim_client``).
AIMS_SCIM_ENABLED = env_bool("AIMS_SCIM_ENABLED", False)
# Provider group name -> role: JSON object or "Group name=Role;Other=Role". Empty: groups named
# exactly as a role grant it. The Certification auditor role is never granted through SCIM.
AIMS_SCIM_GROUP_ROLES = os.environ.get("AIMS_SCIM_GROUP_ROLES", "")
SCIM_SERVICE_PROVIDER = {
    "USER_ADAPTER": "aims.scim.adapters.UserAdapter",
    "GROUP_MODEL": "aims.scim.models.ScimGroup",
    "GROUP_ADAPTER": "aims.scim.adapters.GroupAdapter",
    "USER_FILTER_PARSER": "aims.scim.filters.UserFilter",
    "GROUP_FILTER_PARSER": "aims.scim.filters.GroupFilter",
    "SERVICE_PROVIDER_CONFIG_MODEL": "aims.scim.adapters.ServiceProviderConfig",
    "BASE_LOCATION_GETTER": "aims.scim.adapters.base_location",
    "AUTH_CHECK_MIDDLEWARE": "aims.scim.auth.ScimBearerAuth",
    # Required by django-scim2; locations are built from the request (base_location).
    "NETLOC": AIMS_BASE_URL.split("://", 1)[-1].split("/", 1)[0],
    "AUTHENTICATION_SCHEMES": [{"type": "oauthbearertoken", "name": "Bearer token"}],
}
# --- Hardening: Content-Security-Policy, text length cap ---------------------------------------
# No inline script or style anywhere: templates load static files only (tests/test_templates_csp.py
# walks them). AIMS_CSP_REPORT_ONLY=1 sends the same policy as Content-Security-Policy-Report-Only
# (browsers report, do not block) to try a change out in production first.
AIMS_CSP_REPORT_ONLY = env_bool("AIMS_CSP_REPORT_ONLY", False)
_CSP_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
CONTENT_SECURITY_POLICY = None if AIMS_CSP_REPORT_ONLY else _CSP_POLICY
CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP_POLICY if AIMS_CSP_REPORT_ONLY else None
# The most characters any free-text field accepts (forms, API, admin) when its model field sets
# no max_length of its own: a longer value is refused with a field error, nothing is saved.
AIMS_TEXT_MAX_LENGTH = int(os.environ.get("AIMS_TEXT_MAX_LENGTH", "20000"))
# API tokens, sessions and password reset (aims.accounts). Tokens expire after
# AIMS_TOKEN_DEFAULT_DAYS unless their creator chooses otherwise, never later than
# AIMS_TOKEN_MAX_DAYS; tokens without expiry only when AIMS_TOKEN_ALLOW_NO_EXPIRY is on. Each
# username-and-password exchange (POST /api/v1/auth/token/) issues a new token; only the newest
# AIMS_TOKEN_SIGNIN_KEEP of a user stay active. Password reset requests are limited to
# AIMS_PASSWORD_RESET_RATE per address and per email in an hour (shared cache).
AIMS_TOKEN_DEFAULT_DAYS = int(os.environ.get("AIMS_TOKEN_DEFAULT_DAYS", "90"))
AIMS_TOKEN_MAX_DAYS = int(os.environ.get("AIMS_TOKEN_MAX_DAYS", "365"))
AIMS_TOKEN_ALLOW_NO_EXPIRY = env_bool("AIMS_TOKEN_ALLOW_NO_EXPIRY", False)
AIMS_TOKEN_SIGNIN_KEEP = int(os.environ.get("AIMS_TOKEN_SIGNIN_KEEP", "5"))
AIMS_PASSWORD_RESET_RATE = int(os.environ.get("AIMS_PASSWORD_RESET_RATE", "5"))
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(60 * 60 * 24)))
# Sign-in through django-allauth (aims.signin): username and password, no self-signup, no
# mandatory email verification; a second factor (allauth.mfa) for the accounts that have one.
ACCOUNT_ADAPTER = "aims.signin.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = None  # no "remember me" box: sessions follow SESSION_COOKIE_AGE
# A signed-in user sent to the sign-in page (a page their role cannot open) is told so there,
# not bounced back to the page that sent them.
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[AIMS] "
ACCOUNT_PRESERVE_USERNAME_CASING = True
# allauth's own limits: failed attempts (passwords and second-factor codes, per account and
# per address) stay on; the plain number of sign-ins per address does not (the lockout of the
# sign-in is django-axes' job). allauth reads the client's address through the same trusted
# proxy count as aims.client_ip.
ACCOUNT_RATE_LIMITS = {"login": None}
ALLAUTH_TRUSTED_PROXY_COUNT = AIMS_TRUSTED_PROXY_COUNT
# Second factors (allauth.mfa, aims.mfa): an authenticator app (TOTP), security keys and
# passkeys (WebAuthn), recovery codes. Who must have one: role names and/or "administrators"
# (is_staff or is_superuser); by default in production governance officers, approvers and
# administrators, in development nobody (the demo users sign in with a password).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("AIMS_MFA_ISSUER", "AIMS")
# "Log in with a passkey" on the sign-in page (a passkey is both factors at once).
MFA_PASSKEY_LOGIN_ENABLED = env_bool("AIMS_PASSKEY_LOGIN", False)
# WebAuthn over plain http on localhost, for development only.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
AIMS_MFA_REQUIRED_ROLES = env_list(
    "AIMS_MFA_REQUIRED_ROLES", "Governance officer,Approver,administrators" if PRODUCTION else ""
)

# Single sign-on (aims.sso): OpenID Connect and SAML 2.0 through django-allauth's
# socialaccount. Providers come from AIMS_OIDC_* / AIMS_SAML_* (aims.sso.config) and from the
# admin ("Social applications"); claims map to roles through AIMS_SSO_ROLE_MAP and the admin's
# "Role mappings". The first SSO sign-in creates the account (no form).
from aims.roles import ROLES as _ROLES  # noqa: E402
from aims.sso import config as _sso_config  # noqa: E402

SOCIALACCOUNT_ADAPTER = "aims.sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = _sso_config.providers(os.environ)
SOCIALACCOUNT_ONLY = False  # local passwords stay (AIMS_SSO_ONLY closes them for most)
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # an identity never takes over an account by email
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # the sign-in buttons POST (CSRF-protected)
SOCIALACCOUNT_REQUESTS_TIMEOUT = int(os.environ.get("AIMS_SSO_REQUESTS_TIMEOUT", "10"))
# "claim:value=Role;..." applied to every provider, beside the admin's role mappings.
AIMS_SSO_ROLE_MAP = os.environ.get("AIMS_SSO_ROLE_MAP", "")
_sso_config.role_map(AIMS_SSO_ROLE_MAP, _ROLES)  # a typo stops the start, not a sign-in
# Only people whose claims map to at least one role get an account (and keep signing in).
AIMS_SSO_REQUIRE_ROLE = env_bool("AIMS_SSO_REQUIRE_ROLE", True)
# SSO-only: password sign-in (page, admin, API token) and password pages refused for all but
# the break-glass accounts. Tokens already issued keep working.
AIMS_SSO_ONLY = env_bool("AIMS_SSO_ONLY", False)
AIMS_BREAK_GLASS_USERS = env_list("AIMS_BREAK_GLASS_USERS", "")
AIMS_PASSWORD_REFUSAL = "aims.sso.services.password_signin_refusal"  # noqa: S105
# Backup and restore (audits.backup): the folder holding pg_dump and pg_restore of the
# server's major version or newer; empty: found on PATH.
AIMS_PG_BIN_DIR = os.environ.get("AIMS_PG_BIN_DIR", "")

# Evidence packs lay out their sections in this many WeasyPrint processes at once (empty: one
# per core, at most four; 1 renders in the building process itself).
AIMS_PACK_RENDER_PROCESSES = int(os.environ.get("AIMS_PACK_RENDER_PROCESSES") or 0) or None
# Background work (the Celery worker, a pack's PDF processes) runs at this lower scheduling
# priority (Unix niceness, 0-19), so that pages answer first on a shared machine; 0 leaves it.
AIMS_BACKGROUND_NICENESS = int(os.environ.get("AIMS_BACKGROUND_NICENESS", "10"))
# Faults survived (issue 21). A broker that is down must not hold a request: publishing tries
# once with a short connection timeout and never waits for the result store; what it refused
# stays in the outbox (aims.outbox) and is sent by the recovery sweep (beat every minute, and
# each worker as it starts).
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("AIMS_BROKER_CONNECT_TIMEOUT", "2"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True  # a worker waits for the broker to come back
# Late acknowledgement: a task whose worker dies is delivered again. Redis redelivers a message
# left unacknowledged after the visibility timeout; it must outlast the longest task, and a
# build redelivered while its first worker still holds the lease steps aside.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("AIMS_BROKER_VISIBILITY_TIMEOUT", "1800")),
    "max_retries": 0,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": 10,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_CONNECTION_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = 10
# A worker building a pack renews its lease (a heartbeat) every quarter of this; once it has
# not for this long, the worker is taken for dead and the build is taken over by another.
AIMS_TASK_LEASE_SECONDS = int(os.environ.get("AIMS_TASK_LEASE_SECONDS", "120"))
# A database that drops connections (a restart, a failover): each request checks its
# persistent connection before use and reconnects instead of failing on a dead one.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Outbound webhooks (aims.webhooks). A subscription's URL in a private or loopback network
# would let it probe the services beside the server: refused in production unless allowed.
AIMS_WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("AIMS_WEBHOOK_ALLOW_PRIVATE_TARGETS", not PRODUCTION)
# A subscription whose receiver failed this many attempts in a row is disabled, its owner told.
AIMS_WEBHOOK_MAX_CONSECUTIVE_FAILURES = int(
    os.environ.get("AIMS_WEBHOOK_MAX_CONSECUTIVE_FAILURES", "10")
)

# Imports from spreadsheets (aims.imports): the largest file, the most rows and the longest
# run of blank rows read before the file is refused, and how many refused rows a job lists.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 20 * 1024 * 1024))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "20000"))
IMPORT_MAX_BLANK_ROWS = int(os.environ.get("IMPORT_MAX_BLANK_ROWS", "1000"))
IMPORT_MAX_ERRORS_KEPT = 1000
# The kinds of import each app offers (lists of aims.imports.kinds.Kind).
IMPORT_KINDS = ["inventory.imports.KINDS"]
# Model registry sync (inventory.registry): a link's MLflow tracking server is an outbound
# target; outside production a server on the private network (or this machine) may be read.
AIMS_MODEL_REGISTRY_ALLOW_PRIVATE = env_bool("AIMS_MODEL_REGISTRY_ALLOW_PRIVATE", not PRODUCTION)
AIMS_MODEL_REGISTRY_TIMEOUT = float(os.environ.get("AIMS_MODEL_REGISTRY_TIMEOUT", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}
