"""Settings, all from the environment.

DATABASE_URL      default: SQLite file under LIANMENG_DATA_DIR
LIANMENG_DATA_DIR default: ./var (created on first run)
SECRET_KEY        default: generated once into the data directory
REDIS_URL         optional: cache and task queue (Celery: `lianmeng worker`) on Redis
DEBUG             "1" for development
LIANMENG_ENV      "production" behind HTTPS: SSL redirect, HSTS, Secure cookies (docs/operations.md)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from .paths import data_dir

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "ninja",  # Swagger UI served from its bundled static files, never a CDN
    # second factor at sign-in (issue 12): TOTP devices and one-time recovery codes
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "lianmeng.core",
    "lianmeng.ui",
    "lianmeng.workflow",
    "lianmeng.notices",
    "lianmeng.calls",
    "lianmeng.proposals",
    "lianmeng.documents",
    "lianmeng.reviews",
    "lianmeng.experts",
    "lianmeng.alliances",
    "lianmeng.schedule",
    "lianmeng.construction",
    "lianmeng.reporting",
    "lianmeng.evaluation",
    "lianmeng.rewards",
    "lianmeng.ipbase",
    "lianmeng.projects",
    "lianmeng.whatif",
    "lianmeng.insight",
    "lianmeng.running",
    "lianmeng.web",
]

MIDDLEWARE = [
    # /healthz and /readyz, answered before everything below (lianmeng.web.health)
    "lianmeng.web.health.HealthCheckMiddleware",
    # behind a reverse proxy: the client's address from X-Forwarded-For (LIANMENG_TRUSTED_PROXIES)
    "lianmeng.web.forwarded.ForwardedForMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lianmeng.core.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lianmeng.core.middleware.NoStoreForSignedInMiddleware",
    "lianmeng.core.middleware.ContentSecurityPolicyMiddleware",
    "lianmeng.core.middleware.SessionTimeoutMiddleware",
    "lianmeng.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "lianmeng.config.urls"
WSGI_APPLICATION = "lianmeng.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lianmeng.ui.context.navigation",
                "lianmeng.reviews.context.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'lianmeng.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:index"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # the user name, the site name and passwords common in China (lianmeng.core.credentials)
    {"NAME": "lianmeng.core.credentials.UserNamePasswordValidator"},
    {"NAME": "lianmeng.core.credentials.SiteNamePasswordValidator"},
    {"NAME": "lianmeng.core.credentials.CommonChinesePasswordValidator"},
]
#: account lockout (lianmeng.web.lockout): this many failed sign-ins within the window lock
#: the account until the security administrator unlocks it on /security/
LIANMENG_LOCKOUT_ATTEMPTS = int(os.environ.get("LIANMENG_LOCKOUT_ATTEMPTS", "10"))
LIANMENG_LOCKOUT_WINDOW_MINUTES = int(os.environ.get("LIANMENG_LOCKOUT_WINDOW_MINUTES", "30"))

# Second factor (lianmeng.core.two_factor, web/views_two_factor.py): the name authenticator
# apps show; wrong codes count towards the lockout above (as wrong passwords do), so
# django-otp's own growing delay after a wrong code is off; a password accepted waits this
# many minutes for its code.
OTP_TOTP_ISSUER = "联盟管理平台"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
LIANMENG_TWO_FACTOR_PENDING_MINUTES = 5

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "files"  # outside any web root; served only through permission checks

# Uploaded and generated files on an S3-compatible object store (several app servers share
# it; docs/operations.md) when LIANMENG_S3_BUCKET is set, else under MEDIA_ROOT. Objects are
# written without any ACL, so they keep the bucket's (private) default, and are never linked:
# every download streams through a permission-checked view (default_storage.open).
LIANMENG_S3_BUCKET = os.environ.get("LIANMENG_S3_BUCKET", "").strip()
if LIANMENG_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": LIANMENG_S3_BUCKET,
            # empty: AWS itself; else the store's address (MinIO, Ceph RGW, a cloud's OSS/COS)
            "endpoint_url": os.environ.get("LIANMENG_S3_ENDPOINT_URL", "").strip() or None,
            # empty: boto3's own chain (AWS_* variables, ~/.aws, an instance role)
            "access_key": os.environ.get("LIANMENG_S3_ACCESS_KEY_ID", "").strip() or None,
            "secret_key": os.environ.get("LIANMENG_S3_SECRET_ACCESS_KEY", "").strip() or None,
            "region_name": os.environ.get("LIANMENG_S3_REGION", "").strip() or None,
            "location": os.environ.get("LIANMENG_S3_PREFIX", "").strip().strip("/"),
            # "path" for stores that have no per-bucket host names (most MinIO set-ups)
            "addressing_style": os.environ.get("LIANMENG_S3_ADDRESSING_STYLE", "").strip() or None,
            "default_acl": None,  # no x-amz-acl header: never public-read
            "querystring_auth": True,  # a .url (never used by the views) would be signed
            "querystring_expire": 300,
            "file_overwrite": False,  # a name in use gets a suffix, as on local disk
        },
    }
#: the site's public address (e.g. https://lianmeng.kjt.example.gov.cn), used for the QR code
#: and verification address of every generated PDF and the links in e-mails (core/site.py)
SITE_URL = os.environ.get("LIANMENG_SITE_URL", "").strip().rstrip("/") or "http://127.0.0.1:8000"
LIANMENG_SITE_URL = SITE_URL

#: the largest attachment accepted (M-14); 20 MB unless LIANMENG_UPLOAD_MAX_BYTES says otherwise
LIANMENG_UPLOAD_MAX_BYTES = int(os.environ.get("LIANMENG_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
#: request bodies other than uploaded files (forms, JSON): long written reports fit, floods do not
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024


def _xstatic_dirs() -> list[tuple[str, str]]:
    import xstatic.pkg.bootstrap as bootstrap

    return [("vendor/bootstrap", bootstrap.BASE_DIR)]


STATICFILES_DIRS = _xstatic_dirs()
WHITENOISE_USE_FINDERS = True

redis_url = os.environ.get("REDIS_URL", "").strip()
#: checked by /readyz (lianmeng.web.health); cache, sessions and the task queue use it below
REDIS_URL = redis_url
if redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            # a Redis that stops answering fails a request in seconds instead of holding it
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "lianmeng_cache",
        }
    }
RATELIMIT_USE_CACHE = "default"
# Sessions: in the database (one row each) without Redis; with it, Redis first and the database
# behind (cached_db): a request reads its session from Redis, any app server finds it, and
# lianmeng.core.sessions still finds every session of an account in the table to end them.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if redis_url
    else "django.contrib.sessions.backends.db"
)

# Reminders of deadlines (lianmeng.schedule, docs/decisions/0016-task-queue.md): sent this many
# days before the due date, on the day and once overdue; the job runs every N minutes — on
# Celery beat (`lianmeng worker`) when REDIS_URL is set, else in a thread of `lianmeng serve`.
LIANMENG_REMINDER_DAYS = tuple(
    int(d) for d in os.environ.get("LIANMENG_REMINDER_DAYS", "30,7,1").split(",") if d.strip()
)
LIANMENG_REMINDER_INTERVAL_MINUTES = float(
    os.environ.get("LIANMENG_REMINDER_INTERVAL_MINUTES") or 15
)
#: an overdue reminder goes out only for deadlines passed within this many days
LIANMENG_REMINDER_OVERDUE_DAYS = 30
#: the thread in `lianmeng serve`: on without Redis (LIANMENG_EMBEDDED_SCHEDULER=0/1 overrides)
LIANMENG_EMBEDDED_SCHEDULER = os.environ.get(
    "LIANMENG_EMBEDDED_SCHEDULER", "0" if redis_url else "1"
).strip().lower() in {"1", "true", "yes", "on"}
CELERY_BROKER_URL = redis_url or "memory://"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "send-due-reminders": {
        "task": "lianmeng.schedule.send_due_reminders",
        "schedule": LIANMENG_REMINDER_INTERVAL_MINUTES * 60,
    }
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token, the API uses bearer tokens
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"


# Deployment behind HTTPS (docs/operations.md). LIANMENG_ENV=production turns every switch on;
# each can also be set on its own. The defaults keep `make run` working on http://127.0.0.1:8000.
def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


LIANMENG_ENV = os.environ.get("LIANMENG_ENV", "development").strip().lower()
PRODUCTION = LIANMENG_ENV == "production"
SECURE_SSL_REDIRECT = _env_flag("LIANMENG_SSL_REDIRECT", PRODUCTION)
#: a balancer probes each server over plain HTTP (HealthCheckMiddleware answers first anyway)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(
    os.environ.get("LIANMENG_HSTS_SECONDS") or (31536000 if PRODUCTION else 0)
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("LIANMENG_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = _env_flag("LIANMENG_HSTS_PRELOAD", PRODUCTION)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_flag("LIANMENG_SECURE_COOKIES", PRODUCTION)
#: the reverse proxies in front (addresses or networks, comma-separated): from their requests the
#: client's address is taken from X-Forwarded-For (lianmeng.web.forwarded) for rate limits and
#: the audit trail; empty: REMOTE_ADDR as it is
LIANMENG_TRUSTED_PROXIES = tuple(
    p.strip() for p in os.environ.get("LIANMENG_TRUSTED_PROXIES", "").split(",") if p.strip()
)
if _env_flag("LIANMENG_TRUST_PROXY", False):
    # only when the one proxy in front sets X-Forwarded-Proto itself and strips the client's
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
#: Content-Security-Policy in report-only mode (for trying a change to the templates)
LIANMENG_CSP_REPORT_ONLY = _env_flag("LIANMENG_CSP_REPORT_ONLY", False)

# Session lifetime (core.middleware.SessionTimeoutMiddleware): signed out after this many
# minutes without a request, and after this many hours whatever happens.
LIANMENG_SESSION_IDLE_MINUTES = int(os.environ.get("LIANMENG_SESSION_IDLE_MINUTES") or 30)
LIANMENG_SESSION_MAX_HOURS = int(os.environ.get("LIANMENG_SESSION_MAX_HOURS") or 12)
#: a sensitive action (publishing decisions, roles, personal-data exports) needs a password
#: typed within this many minutes (lianmeng.core.reauth)
LIANMENG_REAUTH_MINUTES = int(os.environ.get("LIANMENG_REAUTH_MINUTES") or 10)
SESSION_COOKIE_AGE = max(LIANMENG_SESSION_MAX_HOURS, 1) * 3600
#: a password-reset link (web/views_password.py) works once, within one hour
PASSWORD_RESET_TIMEOUT = 3600

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Notifications (M-23) go to the console unless a mail backend is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "联盟管理平台 <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}


# Jobs (issue 17): long work off the request (lianmeng.jobs). Celery over Redis when REDIS_URL
# is set, else a small thread pool in the web process; LIANMENG_JOBS_MODE=celery/thread/eager.
INSTALLED_APPS += ["lianmeng.jobs"]
LIANMENG_JOBS_MODE = os.environ.get("LIANMENG_JOBS_MODE", "").strip().lower() or (
    "celery" if redis_url else "thread"
)
LIANMENG_JOBS_THREADS = int(os.environ.get("LIANMENG_JOBS_THREADS") or 2)
#: results are deleted this many days after the job finished
LIANMENG_JOBS_KEEP_DAYS = int(os.environ.get("LIANMENG_JOBS_KEEP_DAYS") or 7)
#: an export of at most this many rows is still downloaded at once; a larger one is a job
LIANMENG_JOBS_DIRECT_ROWS = int(os.environ.get("LIANMENG_JOBS_DIRECT_ROWS") or 2000)
#: a queued or running job silent this long was lost with its process
LIANMENG_JOBS_STALE_MINUTES = int(os.environ.get("LIANMENG_JOBS_STALE_MINUTES") or 30)
CELERY_BEAT_SCHEDULE["jobs-cleanup"] = {"task": "lianmeng.jobs.cleanup", "schedule": 3600}
