from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "dudao.workforce"
    label = "workforce"
    verbose_name = "督学队伍"

    def ready(self) -> None:
        from dudao.workforce import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
