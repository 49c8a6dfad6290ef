from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "lianmeng.proposals"
    label = "proposals"
    verbose_name = "申报"

    def ready(self) -> None:
        # a proposal's life runs on the lifecycle engine (lianmeng.workflow)
        from .lifecycle import register

        register()
