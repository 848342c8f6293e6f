"""Roll Call settings: one file, driven by the environment (see docs/operations.md).

SQLite is the zero-set-up default; set DATABASE_URL for PostgreSQL. Nothing secret lives here:
outside DEBUG the process refuses to start without SECRET_KEY.
"""

import datetime as dt
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from rollcall.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ROLLCALL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
_secret = env_str("SECRET_KEY", "")
if not _secret:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    _secret = "insecure-development-key-only-for-DEBUG"  # noqa: S105 - only ever used with DEBUG on
SECRET_KEY = _secret

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the form renderer (TemplatesSetting) finds Django's widget templates here
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rollcall.accounts",
    "rollcall.people",
    "rollcall.schools",
    "rollcall.casework",
    "rollcall.returns",
    "rollcall.admissions",
    "rollcall.health",
    "rollcall.homeeducation",
    "rollcall.policies",
    "rollcall.attendance",
    "rollcall.exclusions",
    "rollcall.actionplans",
    "rollcall.rolls",
    "rollcall.reports",
    "rollcall.notify",
    "rollcall.audit",
    "rollcall.api",
    "rollcall.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Pushes a used session's expiry on, once a minute (the idle timeout: docs/sign-in.md).
    "rollcall.accounts.idle_timeout.IdleTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Two-factor before any page, and a fresh password before a bulk download (docs/sign-in.md).
    "rollcall.accounts.two_factor_middleware.TwoFactorMiddleware",
    # django-axes turns a locked-out sign-in into its answer; it goes last, as its docs ask.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rollcall.urls"
WSGI_APPLICATION = "rollcall.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rollcall" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rollcall.context_processors.navigation",
            ],
        },
    },
]
# GOV.UK form markup comes from our own field templates (templates/django/forms/), not a
# third-party crispy pack: see docs/adr/0002-govuk-forms.md.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

_default_db = f"sqlite:///{VAR_DIR / 'rollcall.sqlite3'}"
# Connections are kept for a minute and checked before reuse, so a restarted PostgreSQL costs no
# request an error once it is back (bench/faults.py postgres-restart).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and an IMMEDIATE transaction mode let the web server and the task worker share the
    # file without "database is locked" errors (Django 5.1+ options).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# ---- Signing in (docs/sign-in.md, docs/adr/0006-two-factor.md) ------------------------------
# django-axes counts failed sign-ins before the password is checked; the second backend checks it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Idle timeout: a session ends SESSION_IDLE_MINUTES after its last request (its expiry is pushed
# on at most once a minute while used: rollcall/accounts/idle_timeout.py), and its cookie ends
# with the browser.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=5)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Who must use a second factor (an authenticator app, with recovery codes): these roles, by
# membership (rollcall.rules.workflow.Role values). Every council role by default; add "school"
# to require it of school users too. A user with no membership at all counts as council staff.
# "none" requires it of nobody (only for measuring load: bench/load.py).
_two_factor_roles = env_list(
    "TWO_FACTOR_REQUIRED_ROLES", ["officer", "manager", "head_of_service", "administrator", "reader"]
)
TWO_FACTOR_REQUIRED_ROLES = [] if _two_factor_roles == ["none"] else _two_factor_roles
_known_roles = {"officer", "manager", "head_of_service", "administrator", "reader", "school"}
if set(TWO_FACTOR_REQUIRED_ROLES) - _known_roles:
    raise ImproperlyConfigured(
        f"TWO_FACTOR_REQUIRED_ROLES: {sorted(set(TWO_FACTOR_REQUIRED_ROLES) - _known_roles)} are not roles "
        f"(use some of {sorted(_known_roles)}, or none)."
    )
# The name an authenticator app shows beside the code.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Roll Call")
# How many one-time recovery codes each person is given.
TWO_FACTOR_RECOVERY_CODES = 10
# A bulk download (a list, register or report as CSV, XLSX or PDF) asks for the password (and
# code) again when the person last proved who they are more than this many minutes ago.
REAUTHENTICATE_AFTER_MINUTES = env_int("REAUTHENTICATE_AFTER_MINUTES", 15, minimum=1)
# The downloads that ask: URL names, with "?field=value" when the page downloads only for that.
# tests/accounts/test_reauthentication.py fails when a CSV, XLSX or PDF address is missing here.
REAUTHENTICATE_BEFORE = [
    "reports:report-xlsx",
    "reports:report-pdf",
    "reports:report-csv",
    "actionplans:scrutiny-pdf",
    "actionplans:scrutiny-xlsx",
    "admissions:checkoff_csv",
    "admissions:checkoff_xlsx",
    "admissions:fair_access?format=xlsx",
    "admissions:waiting?format=xlsx",
    "admissions:deferred?format=xlsx",
    "homeeducation:register-csv",
    "policies:campaign-csv",
]
# Throttling (django-axes): after AXES_FAILURE_LIMIT wrong sign-ins for one username, or from one
# address, further tries are refused for AXES_COOLOFF_MINUTES or until an administrator unlocks.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 30, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "rollcall.accounts.lockout.locked_out"
AXES_VERBOSE = False
# The address counted is the connection's, unless AXES_PROXY_COUNT trusted proxies stand in front
# (deploy/): then it is the client's address as the nearest of them wrote it in X-Forwarded-For.
_proxy_count = env_int("AXES_PROXY_COUNT", 0, minimum=0)
AXES_IPWARE_PROXY_COUNT = _proxy_count or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if _proxy_count else ["REMOTE_ADDR"]
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# GOV.UK Frontend is compiled from npm into this ignored folder at set-up (make assets).
STATICFILES_DIRS = [BASE_DIR / "rollcall" / "static", BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str("STATICFILES_STORAGE", "whitenoise.storage.CompressedManifestStaticFilesStorage"),
    },
}
MEDIA_ROOT = VAR_DIR / "media"

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "rollcall@northmoor.example")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
# For the file-based backend (make run writes e-mails to var/mail/ instead of sending them).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Roll Call API",
    "DESCRIPTION": "Removal-from-roll notices, new pupils, attendance imports, cases and children "
    "for council and school systems.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "AttendanceImportStatusEnum": "rollcall.attendance.models.AttendanceImport.Status",
        "ExclusionKindEnum": "rollcall.exclusions.models.Exclusion.Kind",
        "CaseKindEnum": "rollcall.casework.models.KIND_CHOICES",
    },
}

# Each area's daily step of the sweep: a function (*, today, calendar) -> dict of counts.
SWEEP_STEPS: list[str] = [
    "rollcall.policies.sweep.policies_sweep",
    "rollcall.health.sweep.health_sweep",
    "rollcall.admissions.sweep.admissions_sweep",
    "rollcall.actionplans.sweep.actionplans_sweep",
    "rollcall.attendance.sweep.attendance_sweep",
    "rollcall.rolls.sweep.rolls_sweep",
    "rollcall.homeeducation.sweep.ehe_sweep",
    "rollcall.exclusions.sweep.exclusions_sweep",
    "rollcall.exclusions.sweep.penalties_sweep",
]
# Each area's part of the daily invariant: a function (*, today) -> list of breaches by name,
# added to the sweep's own (casework.sweep.invariant_breaches).
SWEEP_INVARIANTS: list[str] = [
    "rollcall.rolls.sweep.lost_between_rolls_breaches",
    "rollcall.homeeducation.sweep.ehe_invariant_breaches",
]
# The section each area adds to the case page for its kind of case: a function
# (request, case) -> rendered HTML, e.g. {"health": "rollcall.health.panels.case_panel"}.
CASE_PANELS: dict[str, str] = {
    "health": "rollcall.health.panels.case_panel",
    "admission": "rollcall.admissions.panels.admission_panel",
    "fair_access": "rollcall.admissions.panels.fair_access_panel",
    "waiting": "rollcall.admissions.panels.waiting_panel",
    "ehe": "rollcall.homeeducation.panels.ehe_panel",
    "sao": "rollcall.homeeducation.panels.sao_panel",
    "exclusion": "rollcall.exclusions.panels.exclusion_panel",
}

# The children-not-in-school register (CWS Act 2026 s.38, new EA 1996 ss.436B-436G): not yet in
# force, so off until the duty commences (DOMAIN.md). On: the register page and its extracts.
CHILDREN_NOT_IN_SCHOOL_REGISTER = env_bool("CHILDREN_NOT_IN_SCHOOL_REGISTER", default=False)

# The council's name as shown on every page and letter.
COUNCIL_NAME = env_str("COUNCIL_NAME", "Northmoor County Council")
# Days after a merge of two child records during which an administrator or manager may undo it.
CHILD_MERGE_UNDO_DAYS = env_int("CHILD_MERGE_UNDO_DAYS", 30, minimum=1)
# The address people use to reach Roll Call, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every step of every PDF at INFO; only its problems are worth a line.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# More returns than this from one school in one day are listed for administrators to look at
# (rollcall/returns/claim_views.py): a leaked school token would show up here first.
RETURNS_BURST_PER_DAY = env_int("RETURNS_BURST_PER_DAY", 20, minimum=1)

# ---- Operations: health, metrics, logs and task workers (docs/operations.md) ----------------
INSTALLED_APPS += ["django_prometheus", "rollcall.operations"]
# The request id first, so every later line of the request carries it; django-prometheus's two
# middlewares wrap everything else to time whole requests.
MIDDLEWARE = [
    "rollcall.operations.logs.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# /healthz and /readyz answer a load balancer on plain HTTP behind the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# /metrics answers a bearer token, or these addresses when not reached through a proxy.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
METRICS_ALLOWED_ADDRESSES = env_list("METRICS_ALLOWED_ADDRESSES", [])
# Task workers beat every WORKER_BEAT_SECONDS; one silent for WORKER_STALE_SECONDS is dead and
# its running task is retried, up to TASK_MAX_ATTEMPTS attempts in all.
WORKER_BEAT_SECONDS = env_int("WORKER_BEAT_SECONDS", 15, minimum=1)
WORKER_STALE_SECONDS = env_int("WORKER_STALE_SECONDS", 120, minimum=2)
# An attendance import "running" with no progress for this long lost its process (a killed
# command); it is failed with a clear message so its page stops saying "Importing".
IMPORT_SILENT_MINUTES = env_int("IMPORT_SILENT_MINUTES", 30, minimum=1)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 3, minimum=1)
# /readyz: a worker seen within READY_WORKER_SECONDS, a sweep finished within READY_SWEEP_HOURS.
READY_WORKER_SECONDS = env_int("READY_WORKER_SECONDS", 300, minimum=1)
READY_SWEEP_HOURS = env_int("READY_SWEEP_HOURS", 26, minimum=1)
# LOG_FORMAT=json (the default outside DEBUG): one JSON object per line, with the request id.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING["filters"] = {"request_id": {"()": "rollcall.operations.logs.RequestIdFilter"}}
LOGGING["formatters"] = {
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    },
    "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
}
LOGGING["handlers"] = {
    "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}
}
# Only for trying the production set-up on http://127.0.0.1 (make run-production): browsers and
# HTTP clients do not send Secure cookies over plain HTTP. Never set this behind real TLS.
if not DEBUG and not env_bool("SECURE_COOKIES", default=True):
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
