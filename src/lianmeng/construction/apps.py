from django.apps import AppConfig


class ConstructionConfig(AppConfig):
    name = "lianmeng.construction"
    label = "construction"
    verbose_name = "联盟筹建与验收"

    def ready(self) -> None:
        from .guards import register_guards
        from .registrations import register_all

        register_guards()
        register_all()
