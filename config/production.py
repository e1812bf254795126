"""Production settings: `DJANGO_SETTINGS_MODULE=config.production`.

Requires SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL in the environment. TLS is terminated by the
front proxy, which sets X-Forwarded-Proto. `python manage.py check --deploy --fail-level WARNING`
passes with these settings (tests/test_production_settings.py).
"""

import os

os.environ.setdefault("DEBUG", "false")

from config.settings import *  # noqa: E402,F403
from config.settings import BASE_DIR, MIDDLEWARE  # noqa: E402

if DEBUG:  # noqa: F405
    raise RuntimeError("config.production must not run with DEBUG on")
if "DATABASE_URL" not in os.environ:
    raise RuntimeError("config.production needs DATABASE_URL (PostgreSQL)")

# Checkpoints must be signed: `manage.py check` (and so migrate and runserver) fails without a key.
LIANMENG_REQUIRE_CHECKPOINT_KEY = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The front proxy appends the client's address to X-Forwarded-For: the failed-login ceiling counts
# per that address (NUM_PROXIES=0 if the application is reached directly).
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "1"))}  # noqa: F405
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Static files served by WhiteNoise from `collectstatic` output.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Login throttling counts must be shared by every worker process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / ".cache")),
    }
}

# Signed PDFs need real certificates: no development CA (alliances.signing's system check).
LIANMENG_SIGNING_DEV_CA = False

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")  # noqa: F405
