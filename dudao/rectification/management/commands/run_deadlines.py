"""Daily deadline job: `python manage.py run_deadlines` from cron or a systemd timer (safe to run twice)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from dudao.monitoring.campaigns import overdue_to_findings
from dudao.rectification.jobs import run_deadlines


class Command(BaseCommand):
    help = "创建任务逾期转问题、整改期限提醒、逾期下达督办单、建议约谈（可重复运行）"

    def handle(self, *args, **options):
        # Overdue 创建 tasks first, so today's findings are in the ledger before the notices are looked at.
        campaign = overdue_to_findings(today=timezone.localdate())
        counts = run_deadlines()
        self.stdout.write(f"创建任务逾期转问题 {campaign} 项；提醒 {counts['reminded']} 份，督办单 {counts['orders']} 份，"
                          f"建议约谈 {counts['talks']} 项。")
