"""`python manage.py restore FILE`: an archive written by `backup` into an empty migrated database and an empty
file storage (MEDIA_ROOT, or the STORAGE_URL bucket)."""

import time

from django.core.management.base import BaseCommand, CommandError

from dudao.core.backup import BackupError, describe, restore


class Command(BaseCommand):
    help = "把备份恢复到新建并已迁移的空数据库和空的文件存储（上传文件目录或对象存储）（任何问题都不做更改）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="backup 命令写出的备份文件")

    def handle(self, *args, file, verbosity=1, **options):
        start = time.perf_counter()
        log = self.stdout.write if verbosity > 1 else None
        try:
            manifest = restore(file, log=log)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"恢复完成：{describe(manifest)}，已按清单核对行数与 SHA-256，"
                          f"用时 {time.perf_counter() - start:.1f} 秒。")
