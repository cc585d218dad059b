"""`python manage.py import_stats FILE --user USERNAME [--confirm]`: the same import as the page."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dudao.core.errors import ApplicationError
from dudao.monitoring.imports import stats_import


class Command(BaseCommand):
    help = "导入学校年度统计数据（.xlsx/.csv，全部通过才导入）"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="以哪个督导室账号导入（决定可导入的学校范围，并记入日志）")
        parser.add_argument("--confirm", action="store_true", help="确认数据提示（如生均值与本县中位数相差 10 倍以上）后导入")

    def handle(self, *args, file, user, confirm, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"用户 {user} 不存在。")
        try:
            result = stats_import(actor=actor, data=path.read_bytes(), filename=path.name, confirm=confirm)
        except ApplicationError as exc:
            lines = [exc.message] + [f"  {e.sheet} 第 {e.row} 行 {e.column}：{e.message}" for e in exc.errors[:200]]
            raise CommandError("\n".join(lines)) from None
        for warning in result.warnings:
            self.stdout.write(f"提示：第 {warning.row} 行 {warning.column}：{warning.message}")
        if result.needs_confirmation:
            raise CommandError(f"有 {len(result.warnings)} 条数据提示，未导入。核对无误后加 --confirm 重新运行。")
        self.stdout.write(f"已导入 {result.rows} 行（替换已有 {result.replaced} 行）。")
