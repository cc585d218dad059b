from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "dudao.people"
    label = "people"
    verbose_name = "督学与专家"
