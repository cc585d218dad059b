from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "dudao.planning"
    label = "planning"
    verbose_name = "工作计划"

    def ready(self) -> None:
        from dudao.planning import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
