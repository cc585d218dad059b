"""Tasks that block, for the killed-worker test (run by a real `manage.py db_worker` subprocess)."""

import time
from pathlib import Path

from django_tasks import task

from dudao.worker.recovery import recoverable


@recoverable(retry=True)
@task(priority=10)
def block_once(folder: str, attempt: int = 1) -> int:
    """Safe to repeat: the first attempt blocks (and gets killed), the second finishes."""
    Path(folder, f"once.{attempt}").touch()
    if attempt == 1:
        time.sleep(300)
    return attempt


@task()
def block_forever(folder: str) -> None:
    """Not declared safe to repeat: when its worker is killed it ends failed with the reason."""
    Path(folder, "forever").touch()
    time.sleep(300)
