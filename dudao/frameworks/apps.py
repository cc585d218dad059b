from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "dudao.frameworks"
    label = "frameworks"
    verbose_name = "指标体系"

    def ready(self) -> None:
        from dudao.frameworks import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
