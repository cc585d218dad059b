from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "dudao.documents"
    label = "documents"
    verbose_name = "文件与文书"

    def ready(self) -> None:
        from dudao.documents import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
