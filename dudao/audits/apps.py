from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "dudao.audits"
    label = "audits"
    verbose_name = "内审"

    def ready(self) -> None:
        from dudao.audits import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
