from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "dudao.regions"
    label = "regions"
    verbose_name = "行政区划与政府单位"

    def ready(self) -> None:
        from dudao.regions import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
