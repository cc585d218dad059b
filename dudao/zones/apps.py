from django.apps import AppConfig


class ZonesConfig(AppConfig):
    name = "dudao.zones"
    label = "zones"
    verbose_name = "挂牌督导"

    def ready(self) -> None:
        from dudao.zones import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
