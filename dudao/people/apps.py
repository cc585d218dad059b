from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "dudao.people"
    label = "people"
    verbose_name = "督学与专家"

    def ready(self) -> None:
        from dudao.people import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
