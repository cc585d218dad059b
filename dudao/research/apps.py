from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "dudao.research"
    label = "research"
    verbose_name = "研究与征集评选"

    def ready(self) -> None:
        from dudao.research import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
