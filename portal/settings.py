"""Settings for the park portal, read from environment variables.

Every variable is documented in README.md and .env.example. Development defaults are safe
for a laptop; with DJANGO_DEBUG off the secret key is required and HTTPS hardening is on
unless DJANGO_SECURE_HTTPS=false (plain-HTTP intranet).
"""

import os
import secrets
import urllib.parse
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def local_secret_key() -> str:
    """A per-checkout development key, generated once and kept out of git."""
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = local_secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "portal",
    "parks",
    "talent",
    "innovation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "reversion",
    "import_export",
    "csp",
    "django_ratelimit",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache: the CORS headers are chosen per request's Origin, never stored.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above everything that changes a page: answers 304 when its ETag/Last-Modified still match.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware (its key holds the language), before the rest: a hit skips them.
    "portal.page_cache.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CsrfViewMiddleware, which reads the whole body: oversized and rate-limited posts
    # are refused unread.
    "portal.middleware.RequestLimitsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.care_mode.VaryOnCookieMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.site",
                "portal.context_processors.care_mode",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an editor saves; IMMEDIATE transactions take the write
    # lock up front, so concurrent admin saves wait (busy timeout) instead of failing with
    # "database is locked". The connection is kept between requests like PostgreSQL's
    # (DJANGO_CONN_MAX_AGE): a new one costs each request ~2 ms of CPU (opening the file, the
    # pragmas, SQLite parsing the schema of ~100 tables again), a fifth of a typical page. A kept
    # connection holds no snapshot between requests (autocommit), so other workers' writes show.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": ("PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "admin:login"
# Where a login lands when ?next= is missing or refused (off-site): the admin, not /accounts/profile/.
LOGIN_REDIRECT_URL = "admin:index"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from
# one client address, that pair is locked out for the cool-off (HTTP 429, templates/axes/
# lockout.html); other users and addresses still sign in. Attempts are kept in the database,
# so every gunicorn worker sees them. Unlock early: manage.py axes_reset_username NAME (or
# axes_reset_ip_username IP NAME, axes_reset_ip IP, axes_reset for everyone).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("PORTAL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PORTAL_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# Its admin pages are English-only; unlocking is a management command (above).
AXES_ENABLE_ADMIN = False
# No banner line on every manage.py command.
AXES_VERBOSE = False
# The client address the rate limits use (DJANGO_RATELIMIT_IP_META_KEY behind nginx).
AXES_CLIENT_IP_CALLABLE = "portal.ratelimits.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# django-filter: every choice filter offers "全部" (no filter) first, under the filter's own label.
FILTERS_EMPTY_CHOICE_LABEL = _("全部")
LOCALE_PATHS = [BASE_DIR / "locale"]

# Static files: whitenoise serves compressed, content-hashed files with far-future caching.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded media are served by Django only in development (or when asked, e.g. a small
# intranet without a web server in front); production serves MEDIA_ROOT from nginx.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# More than one app server: media on S3-compatible object storage (django-storages), so every
# server reads and writes the same files (README, "More than one machine"). Photos and renditions
# go to DJANGO_S3_BUCKET, which its bucket policy makes publicly readable; pages link them by
# plain unsigned URLs under DJANGO_S3_PUBLIC_URL (default: the endpoint, path-style), made by
# string formatting without a call to S3. A file is never overwritten (a name taken gets another),
# so each is cached for a year. Nomination documents go to DJANGO_S3_PRIVATE_BUCKET, which nothing makes
# public; they have no URL (talent.storage): staff download them through the admin, which
# streams them. Both buckets or neither: documents on one server's disk would be missing on the others.
S3_BUCKET = os.environ.get("DJANGO_S3_BUCKET", "")
S3_PRIVATE_BUCKET = os.environ.get("DJANGO_S3_PRIVATE_BUCKET", "")
MEDIA_ORIGINS = []  # where public media are read from when not from the site itself (CSP img-src)
if S3_BUCKET or S3_PRIVATE_BUCKET:
    if not (S3_BUCKET and S3_PRIVATE_BUCKET) or S3_BUCKET == S3_PRIVATE_BUCKET:
        raise ImproperlyConfigured("Set both DJANGO_S3_BUCKET and DJANGO_S3_PRIVATE_BUCKET, to two different buckets.")
    s3_endpoint = os.environ.get("DJANGO_S3_ENDPOINT_URL", "").rstrip("/")
    s3_region = os.environ.get("DJANGO_S3_REGION", "")
    s3_connection = {
        # Unset keys: boto3 looks for credentials itself (AWS_* variables, an instance role).
        "access_key": os.environ.get("DJANGO_S3_ACCESS_KEY_ID", "") or None,
        "secret_key": os.environ.get("DJANGO_S3_SECRET_ACCESS_KEY", "") or None,
        "endpoint_url": s3_endpoint or None,
        "region_name": s3_region or None,
        "file_overwrite": False,
        "querystring_auth": False,
        "default_acl": None,  # what may be read is the bucket policy's business, not each object's
    }
    if s3_endpoint:
        s3_default_public_url = f"{s3_endpoint}/{S3_BUCKET}"
    else:
        s3_default_public_url = f"https://{S3_BUCKET}.s3.{s3_region or 'us-east-1'}.amazonaws.com"
    s3_public_url = urllib.parse.urlsplit(os.environ.get("DJANGO_S3_PUBLIC_URL", "") or s3_default_public_url)
    if s3_public_url.scheme not in {"http", "https"} or not s3_public_url.netloc:
        raise ImproperlyConfigured("DJANGO_S3_PUBLIC_URL must be an http(s):// address, e.g. https://media.example.org.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **s3_connection,
            "bucket_name": S3_BUCKET,
            "url_protocol": f"{s3_public_url.scheme}:",
            "custom_domain": s3_public_url.netloc + s3_public_url.path.rstrip("/"),
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    STORAGES["private"] = {
        "BACKEND": "talent.storage.PrivateS3Storage",
        "OPTIONS": {**s3_connection, "bucket_name": S3_PRIVATE_BUCKET},
    }
    MEDIA_ORIGINS = [f"{s3_public_url.scheme}://{s3_public_url.netloc}"]
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365 if not DEBUG else 0

# Uploads: photos are checked by content, size and pixel count (portal.images).
PORTAL_MAX_UPLOAD_BYTES = int(os.environ.get("PORTAL_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
PORTAL_MAX_IMAGE_PIXELS = int(os.environ.get("PORTAL_MAX_IMAGE_PIXELS", 40_000_000))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# Security headers on every response.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *MEDIA_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# HTTPS hardening: on by default in production; DJANGO_SECURE_HTTPS=false turns it off for
# a plain-HTTP intranet. Behind a TLS-terminating proxy, it must send X-Forwarded-Proto.
SECURE_HTTPS = env_bool("DJANGO_SECURE_HTTPS", not DEBUG)
if SECURE_HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("DJANGO_BEHIND_PROXY", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Cache, shared by every process in production: DJANGO_CACHE_URL=redis://host:6379/0 (Django's
# RedisCache; the `redis` client is in requirements.txt) or memcached://host:11211 (PyMemcacheCache, needs
# `pymemcache`). Unset: a per-process LocMemCache, fine for development and tests.
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL.startswith("memcached://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": CACHE_URL.removeprefix("memcached://"),
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured("DJANGO_CACHE_URL must start with redis://, rediss:// or memcached://.")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SHARED_CACHE = CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"

# Spreadsheet import/export in the admin (portal.spreadsheets). Every import runs in one
# transaction. Between the preview and the confirm the uploaded file waits in the shared cache
# when there is one (any app server may take the confirm), else in a temporary folder; never
# under MEDIA_ROOT, which is served to the public.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_TMP_STORAGE_CLASS = (
    "import_export.tmp_storages.CacheStorage" if SHARED_CACHE else "import_export.tmp_storages.TempFolderStorage"
)
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Django's, keeping its redis-py client instead of building one per call (portal.redis_cache).
    CACHES["default"]["BACKEND"] = "portal.redis_cache.RedisCache"
    # A cache that stops answering is an error within a second (logged, the page served
    # uncached: portal.page_cache), not a request hanging on a socket.
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1}
    # Sessions read from Redis, written through to the database: one shared store, no query per
    # staff request, nothing lost when Redis restarts.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# The page cache (portal.page_cache): anonymous pages from the shared cache, never stale. On by
# default in production with a shared cache; PORTAL_PAGE_CACHE=on|off decides otherwise (with the
# per-process LocMemCache it is right for one process only: every process bumps its own counter).
PORTAL_PAGE_CACHE = env_bool("PORTAL_PAGE_CACHE", SHARED_CACHE and not DEBUG)

# Rate limits (django-ratelimit, on the default cache) for the public nomination form and the
# status lookup. django_ratelimit.E003/W001 flag LocMemCache (not shared between processes) and
# Django's own RedisCache (atomic, but not on its list): with the local cache the limits hold
# per process only, which is what a single development server needs (README, "Rate limits").
RATELIMIT_USE_CACHE = "default"
RATELIMIT_NOMINATION_RATE = os.environ.get("PORTAL_NOMINATION_RATE", "5/h")
RATELIMIT_LOOKUP_RATE = os.environ.get("PORTAL_LOOKUP_RATE", "30/h")
# Behind nginx every request comes from 127.0.0.1: name the header carrying the client's address
# (e.g. HTTP_X_REAL_IP with `proxy_set_header X-Real-IP $remote_addr;`).
RATELIMIT_IP_META_KEY = os.environ.get("DJANGO_RATELIMIT_IP_META_KEY", "") or None
# A process-local cache counts per gunicorn worker and forgets on restart: in production that is
# a `check --deploy` error (portal.E001, portal/checks.py) unless the operator says the portal runs
# as one single process. django-ratelimit's own E003/W001 say the same on *every* command (even
# `migrate`), so they are silenced for the local cache and portal.E001 is the one that speaks.
PORTAL_SINGLE_PROCESS = env_bool("PORTAL_SINGLE_PROCESS", False)
SILENCED_SYSTEM_CHECKS = []
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]
elif CACHES["default"]["BACKEND"] == "portal.redis_cache.RedisCache":
    # Django's own RedisCache is shared and increments atomically (INCR); django-ratelimit's list
    # of supported backends only names django-redis's class.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.W001"]

# Nominations: supporting PDFs are checked by content and size, and stored outside MEDIA_ROOT
# (which may be public); staff download them through the admin.
NOMINATION_MAX_UPLOAD_BYTES = int(os.environ.get("PORTAL_NOMINATION_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
NOMINATION_UPLOAD_ROOT = Path(os.environ.get("PORTAL_PRIVATE_ROOT", BASE_DIR / "private"))
# Confirmation mails one address may receive per day (anyone can type any address in the form).
PORTAL_MAILS_PER_ADDRESS_PER_DAY = int(os.environ.get("PORTAL_MAILS_PER_ADDRESS_PER_DAY", "3"))

# Checked before anything reads a POST body (portal.middleware.RequestLimitsMiddleware): Django
# caps form fields at DATA_UPLOAD_MAX_MEMORY_SIZE but streams an uploaded file whole before the
# form sees its size. Largest body by URL name or namespace (an upload plus its form fields);
# DATA_UPLOAD_MAX_MEMORY_SIZE everywhere else. nginx's client_max_body_size must be at least the
# largest of these (README).
PORTAL_MAX_REQUEST_BYTES = {
    "admin": PORTAL_MAX_UPLOAD_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE,
    "talent:nomination-create": NOMINATION_MAX_UPLOAD_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE,
}
# Rate limits checked (not counted) before the body is read: URL name → the view's group and the
# name of the setting holding its rate. The view still counts, and answers with the same page.
PORTAL_EARLY_RATE_LIMITS = {
    "talent:nomination-create": ("talent.nominate", "RATELIMIT_NOMINATION_RATE"),
    "talent:nomination-status": ("talent.lookup", "RATELIMIT_LOOKUP_RATE"),
}
PORTAL_RATELIMITED_RESPONSE = "talent.views.ratelimited_response"

PORTAL_PAGE_SIZE = 20

# The open-data API (/api/v1/, portal.api): read-only, anonymous, no session or CSRF involved.
PORTAL_API_PAGE_SIZE = 50
PORTAL_API_MAX_PAGE_SIZE = 500
PORTAL_API_RATE = os.environ.get("PORTAL_API_RATE", "120/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "园区门户开放数据接口",
    "DESCRIPTION": "园区门户公开内容的只读 JSON 接口：与网站页面相同的已发布内容，示例数据默认不含。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed drf-spectacular-sidecar package, never a CDN (closed intranet).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema lists the filter choices the data has today, so it needs the database; `check
    # --deploy` runs before `migrate` on a new install. The suite validates it instead
    # (tests/portal/test_api.py: spectacular --validate --fail-on-warn).
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}
# Cross-origin reads of the API by other sites' scripts: GET only, no cookies; the origins are
# listed in PORTAL_API_CORS_ORIGINS (comma-separated, or * for any). Nothing else is shared.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
_api_cors_origins = env_list("PORTAL_API_CORS_ORIGINS", "")
CORS_ALLOW_ALL_ORIGINS = _api_cors_origins == ["*"]
CORS_ALLOWED_ORIGINS = [] if CORS_ALLOW_ALL_ORIGINS else _api_cors_origins
# A CJK font for the placeholder images load_initial_data draws (found automatically if unset).
PORTAL_PLACEHOLDER_FONT = os.environ.get("PORTAL_PLACEHOLDER_FONT", "")
