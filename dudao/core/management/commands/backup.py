"""`python manage.py backup FILE`: the whole installation (every table and every uploaded file) in one archive."""

import time

from django.core.management.base import BaseCommand, CommandError

from dudao.core.backup import BackupError, backup, describe


class Command(BaseCommand):
    help = "备份全部数据与上传文件到一个归档文件（.zip），网站可照常使用"

    def add_arguments(self, parser):
        parser.add_argument("file", help="要写入的备份文件，例如 /backup/dudao-2026-12-04.zip（不能已存在）")

    def handle(self, *args, file, verbosity=1, **options):
        start = time.perf_counter()
        log = self.stdout.write if verbosity > 1 else None
        try:
            manifest = backup(file, log=log)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"备份完成：{file}，{describe(manifest)}，用时 {time.perf_counter() - start:.1f} 秒。")
