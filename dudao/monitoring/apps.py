from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "dudao.monitoring"
    label = "monitoring"
    verbose_name = "评估监测"

    def ready(self) -> None:
        from dudao.monitoring import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
