"""Issue 11, safe defaults: DEBUG off unless asked for, no start without a secret key, static
files served with DEBUG off, ``check --deploy`` clean with the documented production settings.
Each case runs the settings in a fresh interpreter, since they are read from the environment
once at import."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY = "a-real-production-key-" + "q7Z" * 20

# The production environment of docs/operations.md (the database aside: SQLite in a tmp dir).
PRODUCTION = {
    "LINGYAN_SECRET_KEY": KEY,
    "LINGYAN_ALLOWED_HOSTS": "lingyan.example.gov.cn",
    "LINGYAN_SECURE_COOKIES": "true",
    "LINGYAN_SSL_REDIRECT": "true",
    "LINGYAN_BEHIND_HTTPS_PROXY": "true",
    "LINGYAN_HSTS_SECONDS": "31536000",
    "LINGYAN_HSTS_INCLUDE_SUBDOMAINS": "true",
    "LINGYAN_HSTS_PRELOAD": "true",
}


def run(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LINGYAN_")}
    clean.pop("DATABASE_URL", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    clean.update({"LINGYAN_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "lingyan.settings"})
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_it_turns_debug_off_by_default(tmp_path):
    done = run(
        tmp_path, "from lingyan import settings; print(settings.DEBUG)", LINGYAN_SECRET_KEY=KEY
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_it_refuses_to_start_without_a_secret_key(tmp_path):
    done = run(tmp_path, "import django; django.setup()")
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "LINGYAN_SECRET_KEY is not set" in done.stderr


def test_it_refuses_the_public_development_key_with_debug_off(tmp_path):
    done = run(
        tmp_path,
        "import django; django.setup()",
        LINGYAN_SECRET_KEY="lingyan-insecure-development-key-change-me",
    )
    assert done.returncode != 0
    assert "refusing to start" in done.stderr


def test_it_starts_with_debug_on_and_no_key_for_development(tmp_path):
    done = run(tmp_path, "import django; django.setup(); print('up')", LINGYAN_DEBUG="true")
    assert done.returncode == 0, done.stderr


def test_it_serves_pages_and_static_files_with_debug_off(tmp_path):
    """What `make run` needs: DEBUG off, nothing collected, the pages render their static
    links and WhiteNoise serves them."""
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "page = c.get('/login/')\n"
        "assert page.status_code == 200, page.status_code\n"
        "for path in ('/static/css/lingyan.css', '/static/vendor/htmx-2.0.11.min.js',"
        " '/static/js/record-form.js'):\n"
        "    assert path in page.content.decode() or path.endswith('.js'), path\n"
        "    r = c.get(path)\n"
        "    assert r.status_code == 200, (path, r.status_code)\n"
        "print('served')\n"
    )
    done = run(tmp_path, code, LINGYAN_SECRET_KEY=KEY, LINGYAN_DEBUG="false")
    assert done.returncode == 0, done.stderr
    assert "served" in done.stdout


def test_it_passes_check_deploy_with_the_documented_production_settings(tmp_path):
    code = (
        "import sys; from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])\n"
    )
    done = run(tmp_path, code, **PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_it_sets_the_https_settings_from_the_environment(tmp_path):
    code = (
        "from lingyan import settings as s\n"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)\n"
    )
    done = run(tmp_path, code, **PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "31536000",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "True",
    ]
    plain = run(
        tmp_path,
        "from lingyan import settings as s\n"
        "print(hasattr(s, 'SECURE_PROXY_SSL_HEADER'), s.SECURE_HSTS_SECONDS)",
        LINGYAN_SECRET_KEY=KEY,
    )
    assert plain.stdout.split() == ["False", "0"]
