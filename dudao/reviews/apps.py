from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "dudao.reviews"
    label = "reviews"
    verbose_name = "督政与迎检"

    def ready(self) -> None:
        from dudao.reviews import registrations  # noqa: PLC0415 -- models load only once the app registry is ready

        registrations.register()
