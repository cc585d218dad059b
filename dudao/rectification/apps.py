from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "dudao.rectification"
    label = "rectification"
    verbose_name = "整改问责"
