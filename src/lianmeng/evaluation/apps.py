from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "lianmeng.evaluation"
    label = "evaluation"
    verbose_name = "绩效评价与整改"

    def ready(self) -> None:
        from .lifecycle import register

        # a rectification runs on the lifecycle engine (lianmeng.workflow)
        register()
