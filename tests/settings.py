"""Test settings: production settings, but plain HTTP for the live server and a fast hasher."""
import os

os.environ.setdefault("DUDAO_PLAIN_HTTP", "1")

from dudao.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Background tasks go through the database backend, as in production; tests run them with the `run_tasks`
# fixture (in-process) or a real `manage.py db_worker` (tests/worker).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
