"""Settings shared by every environment. Read the environment here and nowhere else.

django-environ refuses malformed values (a non-boolean DJANGO_DEBUG, a bad URL) at start-up,
so a misconfigured process fails loudly instead of running half-configured.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

INSTALLED_APPS = [
    "apps.accounts.admin_apps.SecondFactorAdminConfig",  # django.contrib.admin, second factor required
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "apps.core",
    "apps.accounts",
    "apps.rubric",
    "apps.programmes",
    "apps.organisations",
    "apps.cases",
    "apps.notifications",
    "apps.applicants",
    "apps.employers",
    "apps.reviewers",
    "apps.metrics",  # below the role apps: the one definition of every published figure
    "apps.statistics",  # the public statistics page (a role app: the public)
    "apps.demo",
    "apps.policy",  # top of the layers: imports rubric and cases, nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "apps.core.input_checks.NulByteMiddleware",  # 400 for a NUL byte, before anything queries with it
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "apps.accounts.middleware.IdleTimeoutMiddleware",  # after auth and messages: it signs out
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL")}
# A Unix-socket directory is percent-encoded in the URL's host (postgres://user@%2Fpath:5432/db);
# django-environ leaves it encoded, psycopg needs the path.
DATABASES["default"]["HOST"] = unquote(DATABASES["default"]["HOST"])
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL").rstrip("/")
# One Redis, separate logical databases: 0 for Celery's broker, 1 for the cache (sessions-safe
# rate limits of allauth live there too).
CACHES = {
    "default": {
        # Django's RedisCache that falls back to per-process memory while Redis fails (decision 14).
        "BACKEND": "apps.core.cache.ResilientRedisCache",
        "LOCATION": f"{REDIS_URL}/{env.int('REDIS_CACHE_DB', default=1)}",
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="ktp"),
    }
}

# --- Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = f"{REDIS_URL}/{env.int('REDIS_BROKER_DB', default=0)}"
CELERY_RESULT_BACKEND = None  # results live in the database rows the tasks change
CELERY_TASK_ACKS_LATE = True  # with idempotent tasks: a crashed worker's task is redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_TIME_LIMIT = 300
# A web request must not hang when the broker is down: try briefly, then let the sweep re-drive.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Every periodic job, in one place. Exactly one beat process runs (two would send everything twice);
# each job is safe to run twice anyway. django-celery-beat copies these into its tables at start.
CELERY_BEAT_SCHEDULE = {
    "score-unscored-cases": {"task": "cases.redrive_unscored", "schedule": 300.0},  # broker outages
    "notifications-sweep": {"task": "notifications.sweep", "schedule": 300.0},  # lost tasks, mail outages
    # The processing clock's reminders (apps.notifications.reminders): records what is owed under an
    # advisory lock, fans one delivery task out per batch, re-drives what lost its task.
    "notifications-sweep-reminders": {"task": "notifications.sweep_reminders", "schedule": 300.0},
    # Daily digests: sent by the first run after 08:00 Korean time, once a day per person. A short
    # interval instead of a crontab, so a beat that was down at 08:00 still sends them that day.
    "notifications-send-digests": {"task": "notifications.send_digests", "schedule": 900.0},
    # Impact simulations the broker lost (pending) or whose worker died (running past an hour).
    "policy-redrive-simulations": {"task": "policy.redrive_simulations", "schedule": 300.0},
    # The public statistics (apps.metrics, issue 15): this month's release, built by the first run of
    # the month; every later run finds it published and does nothing. Hourly, so a beat that was
    # down on the 1st still publishes that day.
    "metrics-publish-monthly-release": {"task": "metrics.publish_monthly_release", "schedule": 3600.0},
}
CELERY_TIMEZONE = "Asia/Seoul"

# --- Accounts ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# After signing in (or confirming an address, which signs in): each role's home, through the
# ``landing`` view, unless a local ``next`` says otherwise (apps.accounts.adapter, decision 50).
LOGIN_REDIRECT_URL = "landing"
# The service's name in account e-mails (translated; the Sites framework is not used, so allauth
# would otherwise name the request's host). Its address is SITE_URL.
SERVICE_NAME = "K-Tech Pass"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming the address signs the person in and continues where sign-up was headed (the
# application start, with the self-assessment answers in its address), instead of dropping it.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[K-Tech Pass] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "K-Tech Pass"
# Staff set up their authenticator only through an e-mailed, single-use enrolment link issued by a
# supervisor or an administrator (apps.accounts.enrolment, decision 7); this is how long it stays valid.
STAFF_ENROLMENT_GRANT_HOURS = env.int("STAFF_ENROLMENT_GRANT_HOURS", default=24)
if not 0 < STAFF_ENROLMENT_GRANT_HOURS <= 7 * 24:
    raise ImproperlyConfigured("STAFF_ENROLMENT_GRANT_HOURS must be between 1 and 168 (hours)")

# Sign-in rate limits, counted by allauth in the Redis cache above, so every web process shares the
# counters and a restart does not reset them (while Redis fails, each process counts on its own:
# decision 14). Rates are "amount/period/per" (per ip, key or user), comma-separated.
# Wrong passwords are throttled by account and source together (apps.accounts.throttle, decision
# 31): "login_failed" counts them per address and per account *with* the address (the key), so a
# stranger's failures never lock the owner out from elsewhere; allauth also counts wrong two-factor
# codes under it, keyed per user. "login_failed_account" is the account's ceiling from every
# address; over it, each address may try once per "login_failed_strained" (a slow-down, not a
# lock). "login" limits every login attempt per address; "reauthenticate" covers the password and
# code confirmations that ministry pages and two-factor set-up ask for.
ACCOUNT_ADAPTER = "apps.accounts.adapter.AccountAdapter"
_RATE = re.compile(r"^\d+/\d*[smhd]/(ip|key|user)$")


def _rate_limit(name: str, default: str) -> str:
    value = env.str(name, default=default).replace(" ", "")
    if not all(_RATE.match(part) for part in value.split(",")):
        raise ImproperlyConfigured(f"{name}={value!r}: expected rates such as '10/m/ip,5/5m/key'")
    return value


ACCOUNT_RATE_LIMITS = {
    "login": _rate_limit("RATE_LIMIT_LOGIN", "30/m/ip"),
    "login_failed": _rate_limit("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "login_failed_account": _rate_limit("RATE_LIMIT_LOGIN_FAILED_ACCOUNT", "50/h/key"),
    "login_failed_strained": _rate_limit("RATE_LIMIT_LOGIN_FAILED_STRAINED", "1/15m/key"),
    "reauthenticate": _rate_limit("RATE_LIMIT_REAUTHENTICATE", "10/m/user"),
    # The public check of a decision letter (apps.applicants.letters.views): every check per address,
    # and checks that matched nothing per case reference (guessing one letter's code from many places).
    "letter_verify": _rate_limit("RATE_LIMIT_LETTER_VERIFY", "10/m/ip,60/h/ip"),
    "letter_verify_failed": _rate_limit("RATE_LIMIT_LETTER_VERIFY_FAILED", "20/h/key"),
}
# The account holder is e-mailed once this many wrong passwords reach the account within the
# window (seconds), at most once per window.
LOGIN_FAILURE_ALERT_AFTER = env.int("LOGIN_FAILURE_ALERT_AFTER", default=5)
LOGIN_FAILURE_ALERT_WINDOW = env.int("LOGIN_FAILURE_ALERT_WINDOW", default=60 * 60)
if LOGIN_FAILURE_ALERT_AFTER < 1 or LOGIN_FAILURE_ALERT_WINDOW < 60:
    raise ImproperlyConfigured(
        "LOGIN_FAILURE_ALERT_AFTER must be >= 1 and LOGIN_FAILURE_ALERT_WINDOW >= 60 (s)"
    )
# The client address comes from the socket unless proxies we run add X-Forwarded-For; the same
# count as the API's (DJANGO_NUM_PROXIES), or someone could dodge the limits with a forged header.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_NUM_PROXIES", default=0)

# --- Sessions ----------------------------------------------------------------------------------
# Inactivity timeout (apps.accounts.middleware.IdleTimeoutMiddleware), on top of SESSION_COOKIE_AGE.
# It applies to government staff (ministry roles, programme officers, site staff), whose sessions
# open personal data; not to applicants and employers, who fill long forms on their own devices
# (the wizard saves drafts, but free text in progress would be lost) and see only their own data.
# SESSION_IDLE_SCOPE=everyone extends it to every signed-in user; SESSION_IDLE_TIMEOUT=0 turns it off.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)  # seconds without a request
SESSION_IDLE_WARNING = env.int("SESSION_IDLE_WARNING", default=2 * 60)  # the warning, before expiry
SESSION_IDLE_SCOPE = env.str("SESSION_IDLE_SCOPE", default="staff")
if SESSION_IDLE_SCOPE not in {"staff", "everyone"}:
    raise ImproperlyConfigured("SESSION_IDLE_SCOPE must be 'staff' or 'everyone'")
if SESSION_IDLE_TIMEOUT < 0 or SESSION_IDLE_WARNING < 0 or 0 < SESSION_IDLE_TIMEOUT <= SESSION_IDLE_WARNING:
    raise ImproperlyConfigured(
        "SESSION_IDLE_WARNING must be shorter than SESSION_IDLE_TIMEOUT (0: no timeout)"
    )

# Passport numbers are stored only as keyed hashes (HMAC-SHA256) so a roster match needs no clear text.
PASSPORT_HASH_KEY = env.str("PASSPORT_HASH_KEY")
# Upload limits: a file over this size is refused with a reason (FILE_UPLOAD_MAX_MEMORY_SIZE is no limit).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "apps.core.uploads.SizeLimitUploadHandler",  # drops bytes past UPLOAD_MAX_BYTES
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="K-Tech Pass <no-reply@ktechpass.example>")

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "en"
FORMAT_MODULE_PATH = ["config.formats"]  # Korean date-times read "오후 11:15", not "11:15 오후"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Seoul"
LANGUAGE_COOKIE_NAME = "ktp_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / ".data" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Forms, API --------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["apps.core.api_errors.BoundedJSONParser"],
    "EXCEPTION_HANDLER": "apps.core.api_errors.problem_exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "UNAUTHENTICATED_USER": None,
    # Rate limits key on the client address. X-Forwarded-For is trusted only for the number of
    # proxies we run in front of the app (0: the socket's address), or anyone could dodge a limit.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "K-Tech Pass API",
    "DESCRIPTION": "Self-assessment against the K-Tech Pass rubric (English and Korean).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: no third-party CDN on a government site.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The request schema lists codes, schools and versions from the database (enums), so generating
    # it needs one: not at `check --deploy` time (before migrate, or in the image build). The suite
    # generates and validates it against a real database (tests/applicants/test_api.py, schemathesis).
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.applicants.api.schema.closed_request_schema",
    ],
}

# --- Security defaults (production tightens the transport ones) --------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Operability (apps.core.ops; decisions 9 and 10) -------------------------------------------
# Kept in one block, apart from the settings above. Outermost first: the request id (and the access
# log line and request metrics) wraps everything; the probes answer before anything reads the Host
# header or redirects to HTTPS; the Content-Security-Policy goes on every HTML page.
MIDDLEWARE = [
    "apps.core.ops.middleware.RequestIdMiddleware",
    "apps.core.ops.middleware.ProbeMiddleware",
    "apps.core.ops.middleware.ContentSecurityPolicyMiddleware",
    *MIDDLEWARE,
]
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")  # bearer token for /metrics; empty: open
# The cache is shown but does not decide: the app keeps working without it (decisions 10 and 14).
READINESS_CHECKS = ["database", "migrations"]
READINESS_REPORTS = ["cache"]
