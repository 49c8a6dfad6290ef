from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "lianmeng.proposals"
    label = "proposals"
    verbose_name = "申报"

    def ready(self) -> None:
        # a proposal's life runs on the lifecycle engine (lianmeng.workflow)
        from .integrity import register_integrity
        from .lifecycle import register

        register()
        # submitted versions are sealed in the audit chain, re-checked by `audit verify`
        register_integrity()
