from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "lianmeng.workflow"
    label = "workflow"
    verbose_name = "办理流程"

    def ready(self) -> None:
        # every guard a profile's table names has an implementation for its subject kind
        from . import checks  # noqa: F401
