"""`manage.py check --deploy` is clean with production settings taken from the environment
(DEBUG off, a real SECRET_KEY, the encryption key, HTTPS behind a proxy), as
docs/operations.md ("HTTPS") and .env.example describe them."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    "CONNECTOR_SANDBOX": "false",
    "CONNECTOR_ENCRYPTION_KEY": "mT0S5QfQ1r4mXzTq2m0r8r3cS6nWvJ0gqkQe7l5xY2E=",
    "ALLOWED_HOSTS": "connector.example.sk",
    "CSRF_TRUSTED_ORIGINS": "https://connector.example.sk",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    "TRUSTED_PROXY_COUNT": "1",
}
HTTPS_NAMES = [name for name in PRODUCTION if name.startswith(("SECURE_", "SESSION_", "CSRF_C"))]


def check_deploy(tmp_path, environment):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION
        # Not the test process's own switches: the browser tests allow Django's ORM inside
        # Playwright's event loop, which no deployment does.
        and k not in ("SECRET_KEY", "REDIS_URL", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(environment)
    env["SECRET_KEY"] = secrets.token_urlsafe(50)  # 67 characters, many different
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings_from_the_environment(tmp_path):
    done = check_deploy(tmp_path, PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNING" not in done.stderr.upper()


def test_without_the_https_settings_check_deploy_names_them(tmp_path):
    environment = {k: v for k, v in PRODUCTION.items() if k not in HTTPS_NAMES}
    done = check_deploy(tmp_path, environment)
    assert done.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in done.stderr


def test_the_https_settings_are_in_env_example():
    example = (ROOT / ".env.example").read_text()
    for name in HTTPS_NAMES + ["TRUSTED_PROXY_COUNT", "TRUSTED_PROXY_HEADER"]:
        assert f"\n{name}=" in example or f"\n# {name}=" in example, name
