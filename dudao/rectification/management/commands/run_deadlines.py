"""Daily deadline job: `python manage.py run_deadlines` from cron or a systemd timer (safe to run twice)."""

from django.core.management.base import BaseCommand

from dudao.rectification.jobs import run_deadlines


class Command(BaseCommand):
    help = "整改期限提醒、逾期下达督办单、建议约谈（可重复运行）"

    def handle(self, *args, **options):
        counts = run_deadlines()
        self.stdout.write(f"提醒 {counts['reminded']} 份，督办单 {counts['orders']} 份，建议约谈 {counts['talks']} 项。")
