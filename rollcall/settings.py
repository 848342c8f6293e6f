"""Roll Call settings: one file, driven by the environment (see docs/operations.md).

SQLite is the zero-set-up default; set DATABASE_URL for PostgreSQL. Nothing secret lives here:
outside DEBUG the process refuses to start without SECRET_KEY.
"""

import datetime as dt
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from rollcall.env import env_bool, env_cache, env_int, env_list, env_str

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
    "knox",
    "drf_spectacular",
    "csp",
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
    "rollcall.transfers",
    "rollcall.reports",
    "rollcall.notify",
    "rollcall.audit",
    "rollcall.api",
    "rollcall.demo",
    "rollcall.dataprotection",
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
    "rollcall.headers.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
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
    # file without "database is locked" errors (Django 5.1+ options). Then, for long imports
    # (bench/README.md, school rolls on SQLite): a page cache of up to 256 MiB a connection, not
    # SQLite's 2 MiB (it grows only with the pages a connection reads), and the write-ahead log
    # copied back into the file every 20,000 pages (80 MiB), not every 1,000, so an index page
    # written by many schools' loads in a row is copied back once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
            "PRAGMA cache_size=-262144; PRAGMA wal_autocheckpoint=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation (docs/operations.md): Roll Call's queries are short, and PostgreSQL
    # compiled any whose estimated cost passed jit_above_cost, 30 ms or more each time, longer
    # than most of those queries take to run. A DATABASE_URL with its own ?options= keeps them.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"
# Argon2id first (docs/adr/0012-password-hashing.md): memory-hard, so a stolen table of hashes
# is slow to attack on graphics cards, and a little cheaper in CPU per sign-in than PBKDF2 at
# Django's iteration count. Older PBKDF2 hashes still verify and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Single sign-on with the council's identity provider over OpenID Connect (rollcall/accounts/oidc.py,
# docs/operations.md): the provider's issuer or discovery address, and Roll Call's client id and
# secret there. Off when OIDC_DISCOVERY_URL is empty; the sign-in page then offers no button.
_oidc_url = env_str("OIDC_DISCOVERY_URL", "").rstrip("/")
if _oidc_url and not _oidc_url.endswith("/.well-known/openid-configuration"):
    _oidc_url += "/.well-known/openid-configuration"  # an issuer given: its discovery document
OIDC_DISCOVERY_URL = _oidc_url
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
# A sign-in with the provider counts as two-factor when its amr claim says "mfa", or always when
# this is true (the council's provider requires MFA for Roll Call, e.g. Entra ID Conditional
# Access); otherwise Roll Call asks for its own code after the provider (docs/sign-in.md).
OIDC_PROVIDER_REQUIRES_MFA = env_bool("OIDC_PROVIDER_REQUIRES_MFA", default=False)
if OIDC_DISCOVERY_URL and not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
    raise ImproperlyConfigured("OIDC_DISCOVERY_URL needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too.")
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
    "homeeducation:register-xlsx",
    "policies:campaign-csv",
    "children:break-glass-csv",
    # Everything Roll Call holds about one child: a bulk export in all but name.
    "dataprotection:subject-access-pdf",
    "dataprotection:subject-access-zip",
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
# SMTP with TLS and authentication (docs/operations.md): STARTTLS on the submission port, or
# implicit TLS; never both. The password comes from the environment only.
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
# For the file-based backend (make run writes e-mails to var/mail/ instead of sending them).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# GOV.UK Notify (docs/operations.md, docs/adr/0010-gov-uk-notify.md). With no API key, messages
# to carers and schools are written to NOTIFY_OUTBOX_DIR as files, as e-mails are in development.
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
# The bearer token Notify is configured to send with its callbacks (delivery receipts, returned
# letters). With none set, the callbacks are refused.
NOTIFY_CALLBACK_TOKEN = env_str("NOTIFY_CALLBACK_TOKEN", "")
NOTIFY_OUTBOX_DIR = env_str("NOTIFY_OUTBOX_DIR", str(VAR_DIR / "mail"))
# Template ids in the council's Notify service, one for each kind of message Roll Call sends.
NOTIFY_TEMPLATES = {
    "new_message_email": env_str("NOTIFY_TEMPLATE_NEW_MESSAGE_EMAIL", ""),
    "carer_contact_email": env_str("NOTIFY_TEMPLATE_CARER_CONTACT_EMAIL", ""),
    "carer_contact_sms": env_str("NOTIFY_TEMPLATE_CARER_CONTACT_SMS", ""),
}

REST_FRAMEWORK = {
    # API tokens are stored hashed, named, scoped and expiring (rollcall/api/tokens.py, docs/api.md).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rollcall.api.authentication.ScopedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Every call counts against its address and its token (or signed-in user): 429 + Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "rollcall.api_throttling.AddressRateThrottle",
        "rollcall.api_throttling.TokenRateThrottle",
    ],
    # How many proxies put X-Forwarded-For in front of Roll Call (1 behind deploy/'s nginx); 0
    # reads the caller's address from the connection alone, so it cannot be forged.
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0, minimum=0),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
# The cache every process shares (CACHE_URL, docs/operations.md): the API throttles' counts and
# the dashboard's figures. Unset, each process keeps its own in memory (make run, the tests), and
# with several web processes a caller could reach an API rate once per process.
CACHES = {
    "default": {
        **env_cache("CACHE_URL"),
        # Keys are prefixed, so two Roll Calls (two councils) may share one Redis server.
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "rollcall"),
    }
}
# API rates, as DRF writes them ("600/minute", "20/second", "10000/day"), read at each call.
API_THROTTLE_RATES: dict[str, str | None] = {
    "address": env_str("API_RATE_PER_ADDRESS", "1200/minute"),
    "token": env_str("API_RATE_PER_TOKEN", "600/minute"),
}
# API tokens (django-rest-knox, rollcall/api/models.py): stored as SHA-512 digests, with a prefix
# that secret scanners can spot; every token expires, by default after API_TOKEN_DEFAULT_DAYS.
KNOX_TOKEN_MODEL = "api.ApiToken"  # noqa: S105 - a model name, not a secret
REST_KNOX = {"TOKEN_PREFIX": "rollcall_", "AUTO_REFRESH": False, "TOKEN_TTL": None}
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 90, minimum=1)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 366, minimum=1)
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
    "rollcall.returns.sweep.returns_sweep",
    "rollcall.homeeducation.sweep.ehe_sweep",
    "rollcall.exclusions.sweep.exclusions_sweep",
    "rollcall.exclusions.sweep.penalties_sweep",
    "rollcall.exclusions.sweep.support_meetings_sweep",
    "rollcall.notify.dispatch.notify_sweep",
    "rollcall.transfers.sweep.transfers_sweep",
    # Last: erase or anonymise what the retention schedule says is due (docs/retention.md).
    "rollcall.dataprotection.retention.retention_sweep",
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
    "cme": "rollcall.transfers.panels.transfer_panel",
}

# Sections areas add to the child page for council staff (each a function (request, child) -> HTML),
# shown after the roll history in this order.
CHILD_PANELS: list[str] = [
    "rollcall.rolls.panels.child_rolls_panel",
    "rollcall.homeeducation.panels.child_arrangements_panel",
]

# The children-not-in-school register (CWS Act 2026 s.38, new EA 1996 ss.436B-436G): not yet in
# force, so off until the duty commences (DOMAIN.md). On: the register page and its extracts.
CHILDREN_NOT_IN_SCHOOL_REGISTER = env_bool("CHILDREN_NOT_IN_SCHOOL_REGISTER", default=False)

# The managers' dashboard's figures are kept this long per day and team scope (0: worked out
# on every request), in the shared cache when CACHE_URL sets one (CACHES above).
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 300, minimum=0)

# The council's name as shown on every page and letter.
COUNCIL_NAME = env_str("COUNCIL_NAME", "Northmoor County Council")
# This council's DfE LA code (three digits), named in its council-to-council messages
# (docs/transfers.md); the demo council's is 990.
COUNCIL_LA_CODE = env_str("COUNCIL_LA_CODE", "990")
if not (len(COUNCIL_LA_CODE) == 3 and COUNCIL_LA_CODE.isdigit()):
    raise ImproperlyConfigured(f"COUNCIL_LA_CODE must be three digits, like 855; it is {COUNCIL_LA_CODE!r}.")
# This council's Ed25519 private key for signing transfers (manage.py transfers_key makes it).
TRANSFERS_SIGNING_KEY_FILE = env_str(
    "TRANSFERS_SIGNING_KEY_FILE", str(VAR_DIR / "keys" / "transfers-ed25519.pem")
)
# Seconds to wait for a partner council's Roll Call to answer a message.
TRANSFERS_HTTP_TIMEOUT = env_int("TRANSFERS_HTTP_TIMEOUT", 10, minimum=1)
# Days after a merge of two child records during which an administrator or manager may undo it.
CHILD_MERGE_UNDO_DAYS = env_int("CHILD_MERGE_UNDO_DAYS", 30, minimum=1)
# Minutes a break-the-glass access lets an officer outside a child's teams open the child's
# record after giving a reason (docs/adr/0008-break-the-glass.md).
BREAK_GLASS_MINUTES = env_int("BREAK_GLASS_MINUTES", 60, minimum=1)
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
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts only from our own files, plus the one inline line
# in the page layout that carries the request's nonce; no inline styles; images from us or data:
# URLs (the report charts); nothing may frame a page, and forms post only to Roll Call.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *env_list("CSP_FORM_ACTION_EXTRA", [])],
    }
}

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
# The largest file of attendance marks a school (its own pupils) and a council officer (a whole
# council's schools, up to the Common Transfer File reader's 2 GB) may upload; checked before the
# file is stored. deploy/nginx-rollcall.conf's client_max_body_size for the two upload
# addresses must be at least the larger.
ATTENDANCE_UPLOAD_MAX_BYTES_SCHOOL = env_int("ATTENDANCE_UPLOAD_MAX_BYTES_SCHOOL", 200 << 20, minimum=1 << 20)
ATTENDANCE_UPLOAD_MAX_BYTES_COUNCIL = env_int("ATTENDANCE_UPLOAD_MAX_BYTES_COUNCIL", 2 << 30, minimum=1 << 20)
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
