from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "dudao.checks"
    label = "checks"
    verbose_name = "专项检查与民办教育"

    def ready(self) -> None:
        from dudao.checks import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
