"""Settings as a fresh process evaluates them from environment variables, as production does."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

# Variables of the environment the tests run in that would change what is evaluated.
SCENARIO_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "HTTPS",
    "BEHIND_TLS_PROXY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "AXES_ENABLED",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    # The test conftest sets it for Playwright; check --deploy rightly refuses it in production.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_with(environment: dict, *args: str) -> subprocess.CompletedProcess:
    """`python *args` in the project folder with only `environment` deciding the settings."""
    env = {key: value for key, value in os.environ.items() if key not in SCENARIO_VARIABLES}
    env |= {"DJANGO_SETTINGS_MODULE": "partnercenter.settings", **environment}
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def settings_under(environment: dict, names: list[str]) -> dict:
    """The settings `names` as a fresh process evaluates them with `environment` (JSON values)."""
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {names!r}}}, default=str))"
    )
    result = run_with(environment, "-c", script)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])
