"""Daily deadline run, called by cron or a systemd timer: `python manage.py run_deadlines` queues the task for
the worker (`manage.py db_worker`); `--now` runs it in this process instead. Safe to run twice."""

from django.core.management.base import BaseCommand
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dudao.rectification.tasks import daily_deadlines, deadlines_run


def report(counts: dict[str, int]) -> str:
    return (f"创建任务逾期转问题 {counts['campaign']} 项；提醒 {counts['reminded']} 份，督办单 {counts['orders']} 份，"
            f"建议约谈 {counts['talks']} 项。")


class Command(BaseCommand):
    help = "每日期限检查：创建任务逾期转问题、整改期限提醒、逾期下达督办单、建议约谈（交后台工作进程执行；可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="在本进程中立即执行，不交给后台工作进程")

    def handle(self, *args, now=False, **options):
        if now:
            self.stdout.write(report(deadlines_run()))
            return
        waiting = DBTaskResult.objects.filter(task_path=daily_deadlines.module_path,
                                              status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).first()
        if waiting is not None:
            self.stdout.write(f"每日期限检查已在队列中（任务 {waiting.pk}），未重复排队。")
            return
        result = daily_deadlines.enqueue()
        self.stdout.write(f"每日期限检查已排队（任务 {result.id}），由后台工作进程 db_worker 执行。")
