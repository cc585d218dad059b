"""Test settings: production settings, but plain HTTP for the live server and a fast hasher."""
import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("DUDAO_PLAIN_HTTP", "1")

from dudao.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Background tasks go through the database backend, as in production; tests run them with the `run_tasks`
# fixture (in-process) or a real `manage.py db_worker` (tests/worker).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Files a test stores without its own MEDIA_ROOT go to a folder of this process (each pytest-xdist worker has
# its own), removed at exit: parallel workers never write the same path, and the checkout's var/media stays clean.
# A subprocess a test starts (restore, the worker) is given its MEDIA_ROOT in the environment: that one stands.
if "MEDIA_ROOT" not in os.environ:
    MEDIA_ROOT = Path(tempfile.mkdtemp(prefix=f"dudao-test-media-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-"))
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
