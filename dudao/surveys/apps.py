from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "dudao.surveys"
    label = "surveys"
    verbose_name = "满意度调查"

    def ready(self) -> None:
        from dudao.surveys import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
