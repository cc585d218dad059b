from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dudao.dashboard"
    label = "dashboard"
    verbose_name = "工作台"
