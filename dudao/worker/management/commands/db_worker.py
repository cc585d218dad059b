"""`python manage.py db_worker`: django-tasks-db's worker plus a heartbeat, so that tasks cut off by a killed
worker are recovered (dudao.worker.recovery). Same options as the library's command."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as LibraryCommand

from dudao.worker.recovery import Heartbeat


class Command(LibraryCommand):
    help = "后台工作进程：执行排队的任务（意见书批量生成、通知邮件、每日期限检查），并回收中断的任务。"

    def handle(self, *args, **options):
        if options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)  # the reloader's parent runs no tasks: no heartbeat
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.beat_and_sweep()  # seen before the first claim; recover what a killed predecessor left
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stop()

