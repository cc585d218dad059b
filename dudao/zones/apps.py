from django.apps import AppConfig


class ZonesConfig(AppConfig):
    name = "dudao.zones"
    label = "zones"
    verbose_name = "挂牌督导"

    def ready(self) -> None:
        from dudao.core.scope import register_scope_source
        from dudao.zones.selectors import inspector_scope

        register_scope_source(inspector_scope)
