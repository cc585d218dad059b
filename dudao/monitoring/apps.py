from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "dudao.monitoring"
    label = "monitoring"
    verbose_name = "评估监测"
