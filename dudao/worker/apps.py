from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "dudao.worker"
    label = "worker"
    verbose_name = "后台任务"
