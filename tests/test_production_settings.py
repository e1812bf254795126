"""Production settings pass Django's deployment checks, and the API schema has no warnings."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from alliances import signing

ROOT = Path(__file__).resolve().parent.parent


def checkpoint_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


def production_env(**extra) -> dict:
    # The browser tests allow async-unsafe ORM calls in their own process only.
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.production", SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="lianmeng.example.cn", DATABASE_URL="postgres://lianmeng@127.0.0.1:5432/lianmeng",
        LIANMENG_CHECKPOINT_KEY=checkpoint_pem(),
    )
    env.update(extra)
    return env


def run_manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def real_certificates(tmp_path_factory) -> str:
    """LIANMENG_SIGNING_CERTS naming PEM files as an operator would (issued here by a throwaway CA)."""
    with override_settings(LIANMENG_KEY_DIR=tmp_path_factory.mktemp("keys")):
        signing.get_signer(signing.BUREAU)
        directory = signing.pdf_key_dir()
    entry = {"key": str(directory / "bureau.key.pem"), "cert": str(directory / "bureau.cert.pem"),
             "chain": [str(directory / "ca.cert.pem")]}
    return json.dumps({"@bureau": entry, "*": entry})


def test_check_deploy_passes_at_warning_level(real_certificates):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        env=production_env(LIANMENG_SIGNING_CERTS=real_certificates))
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_signing_certificates(tmp_path):
    result = run_manage("check", env=production_env())
    assert result.returncode != 0 and "lianmeng.E101" in result.stderr and "lianmeng.E102" in result.stderr
    missing = json.dumps({"@bureau": {"pkcs12": str(tmp_path / "none.p12")}, "*": {"pkcs12": str(tmp_path / "none.p12")}})
    result = run_manage("check", env=production_env(LIANMENG_SIGNING_CERTS=missing))
    assert result.returncode != 0 and "lianmeng.E103" in result.stderr


def test_production_refuses_to_start_in_debug():
    result = run_manage("check", env=production_env(DEBUG="true"))
    assert result.returncode != 0 and "DEBUG" in result.stderr


def test_production_refuses_to_start_without_a_checkpoint_key(tmp_path):
    result = run_manage("check", env=production_env(LIANMENG_CHECKPOINT_KEY="", LIANMENG_KEY_DIR=str(tmp_path)))
    assert result.returncode != 0 and "lianmeng.E001" in result.stderr


def test_production_settings_are_secure():
    code = ("from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000, "
            "s.SECURE_SSL_REDIRECT, 'csp.middleware.CSPMiddleware' in s.MIDDLEWARE, len(s.AUTH_PASSWORD_VALIDATORS) >= 4)")
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT,
                            env=production_env(), capture_output=True, text=True)
    assert result.stdout.split() == ["True"] * 6, result.stderr


def test_every_page_carries_a_content_security_policy(client, db):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]


def test_openapi_schema_is_valid_and_without_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")
