from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "dudao.quality"
    label = "quality"
    verbose_name = "学业质量监测"

    def ready(self) -> None:
        from dudao.quality import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
