from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "lianmeng.experts"
    label = "experts"
    verbose_name = "专家评审"

    def ready(self) -> None:
        # supplies the lifecycle engine's ``review_round_closed`` guard
        from . import guards  # noqa: F401
