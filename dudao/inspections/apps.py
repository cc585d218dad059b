from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "dudao.inspections"
    label = "inspections"
    verbose_name = "督导评估"

    def ready(self) -> None:
        from dudao.inspections import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
