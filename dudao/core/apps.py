from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "dudao.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from dudao.core.audit_chain import install_guard  # noqa: PLC0415 -- AppConfig.ready(): loaded once the app registry is ready
        from dudao.core.uploads import configure_pillow  # noqa: PLC0415 -- AppConfig.ready(): loaded once the app registry is ready

        configure_pillow()
        # Every database connection refuses UPDATE and DELETE on the audit log (see audit_chain).
        connection_created.connect(install_guard, dispatch_uid="dudao.core.audit_guard")
