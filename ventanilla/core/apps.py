from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ventanilla.core"
    label = "core"

    def ready(self) -> None:
        from ventanilla.core.configuration import connect_signals

        connect_signals()
