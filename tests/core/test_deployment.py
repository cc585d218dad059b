"""Production settings pass `check --deploy`; createsuperuser works non-interactively."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env=None):
    full_env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DUDAO_PLAIN_HTTP", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True)


def test_it_passes_check_deploy_with_production_settings(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={
        "SECRET_KEY": "x" * 30 + "production-secret-key-0123456789abcdef", "ALLOWED_HOSTS": "dudao.example.cn",
        "DUDAO_VAR_DIR": str(tmp_path),
    })
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_creates_the_first_administrator_non_interactively(tmp_path):
    env = {"DUDAO_VAR_DIR": str(tmp_path), "DJANGO_SUPERUSER_USERNAME": "root",
           "DJANGO_SUPERUSER_PASSWORD": "Root-pass-2026", "DJANGO_SUPERUSER_EMAIL": "root@example.cn"}
    if "DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert _manage("migrate", "-v0", env=env).returncode == 0
    result = _manage("createsuperuser", "--noinput", env=env)
    assert result.returncode == 0, result.stderr


def _setting(name, env):
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    result = _manage("shell", "-c", code, env={"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "dudao.example.cn", **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_hsts_preload_is_off_unless_asked(tmp_path):
    assert _setting("SECURE_HSTS_PRELOAD", {"DUDAO_VAR_DIR": str(tmp_path)}) == "False"
    assert _setting("SECURE_HSTS_PRELOAD", {"DUDAO_VAR_DIR": str(tmp_path), "SECURE_HSTS_PRELOAD": "1"}) == "True"
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={
        "SECRET_KEY": "x" * 30 + "production-secret-key-0123456789abcdef", "ALLOWED_HOSTS": "dudao.example.cn",
        "DUDAO_VAR_DIR": str(tmp_path), "SECURE_HSTS_PRELOAD": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
