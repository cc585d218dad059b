from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dudao.dashboard"
    label = "dashboard"
    verbose_name = "工作台"

    def ready(self) -> None:
        from dudao.dashboard import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
