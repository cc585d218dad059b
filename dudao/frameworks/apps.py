from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "dudao.frameworks"
    label = "frameworks"
    verbose_name = "指标体系"
