from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "dudao.rectification"
    label = "rectification"
    verbose_name = "整改问责"

    def ready(self) -> None:
        from dudao.rectification import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
