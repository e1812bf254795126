"""Minimal Django project for django-hordak (its own virtualenv and its own database)."""

import os
from urllib.parse import urlparse

_url = urlparse(os.environ.get("HORDAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5444/hordak_bench"))

SECRET_KEY = "hordak-bench-only"
DEBUG = False
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "mptt",
    "djmoney",
    "hordak",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _url.path.lstrip("/"),
        "USER": _url.username or "postgres",
        "PASSWORD": _url.password or "",
        "HOST": _url.hostname or "127.0.0.1",
        "PORT": _url.port or 5432,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CURRENCIES = ["CNY"]
HORDAK_CURRENCIES = ["CNY"]
DEFAULT_CURRENCY = "CNY"
HORDAK_INTERNAL_CURRENCY = "CNY"
HORDAK_MAX_DIGITS = 18
