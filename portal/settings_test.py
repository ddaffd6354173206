"""Settings for the test suite: plain static storage, fast hasher, in-memory mail."""

from .settings import *  # noqa: F403

# Fixed here, whatever the developer's shell exports: plain HTTP, media served by Django.
DEBUG = False
SERVE_MEDIA = True
SECURE_HTTPS = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_PROXY_SSL_HEADER = None
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
WHITENOISE_AUTOREFRESH = True
# The API's per-client throttle would count every test's requests from 127.0.0.1 together; the
# throttle's own tests lower it.
PORTAL_API_RATE = "100000/min"
