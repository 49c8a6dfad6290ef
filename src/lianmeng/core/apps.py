from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lianmeng.core"
    label = "core"
    verbose_name = "核心数据"

    def ready(self) -> None:
        # A broken policy profile must stop start-up with a message naming file and key.
        from lianmeng.policy.loader import load_profiles

        load_profiles()
