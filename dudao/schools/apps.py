from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "dudao.schools"
    label = "schools"
    verbose_name = "学校"

    def ready(self) -> None:
        from dudao.schools import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
