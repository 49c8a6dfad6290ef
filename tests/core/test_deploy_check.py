"""Issue 12, finding 9: `check --deploy` is clean with the production variables documented in
docs/operations.md, and the defaults still serve `make run` on plain http."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2] / "src"

PRODUCTION = {
    "LIANMENG_ENV": "production",
    "ALLOWED_HOSTS": "lianmeng.kjt.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://lianmeng.kjt.example.gov.cn",
    "LIANMENG_SITE_URL": "https://lianmeng.kjt.example.gov.cn",
    "LIANMENG_TRUST_PROXY": "1",
}


def _run(code: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # a deployment's environment: none of the project's variables, nor the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE (tests/e2e/browser.py sets it for the whole test process)
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LIANMENG_", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    clean.pop("DATABASE_URL", None)
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "lianmeng.config.settings",
            "LIANMENG_DATA_DIR": str(tmp_path),
            "SECRET_KEY": secrets.token_urlsafe(50),
        }
    )
    clean.update(env)
    return subprocess.run(  # noqa: S603 -- our own interpreter, fixed arguments
        [sys.executable, "-c", code],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


CHECK = (
    "import django, sys; django.setup(); from django.core.management import call_command; "
    "call_command('check', deploy=True, fail_level='WARNING')"
)


def test_check_deploy_is_clean_with_the_production_variables(tmp_path):
    result = _run(CHECK, PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_without_the_variables_check_deploy_warns(tmp_path):
    result = _run(CHECK, {}, tmp_path)
    assert result.returncode != 0
    assert "W008" in result.stderr or "W008" in result.stdout


SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.SECURE_PROXY_SSL_HEADER)"
)


def test_production_switches(tmp_path):
    out = _run(SHOW, PRODUCTION, tmp_path).stdout.split()
    assert out[:8] == ["True", "31536000", "True", "True", "True", "True", "True", "True"]
    assert "HTTP_X_FORWARDED_PROTO" in " ".join(out[8:])


def test_development_defaults_serve_plain_http(tmp_path):
    out = _run(SHOW, {}, tmp_path).stdout.split()
    assert out == ["False", "0", "False", "False", "False", "False", "True", "True", "None"]


def test_proxy_header_only_when_the_proxy_is_trusted(tmp_path):
    env = dict(PRODUCTION)
    env.pop("LIANMENG_TRUST_PROXY")
    out = _run(SHOW, env, tmp_path).stdout.split()
    assert out[-1] == "None"


def test_each_switch_can_be_set_alone(tmp_path):
    env = {
        "LIANMENG_ENV": "production",
        "LIANMENG_SSL_REDIRECT": "0",
        "LIANMENG_HSTS_SECONDS": "600",
    }
    out = _run(SHOW, env, tmp_path).stdout.split()
    assert out[:2] == ["False", "600"]
