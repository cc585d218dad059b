from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "dudao.documents"
    label = "documents"
    verbose_name = "文件与文书"
