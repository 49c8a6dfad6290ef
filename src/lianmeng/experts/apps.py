from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "lianmeng.experts"
    label = "experts"
    verbose_name = "专家评审"

    def ready(self) -> None:
        from lianmeng.proposals.selectors import register_visibility

        # supplies the lifecycle engine's ``review_round_closed`` guard
        from . import guards  # noqa: F401
        from .selectors import expert_visible_proposals

        # experts see the proposals assigned to them, unless in conflict (proposal_visibility)
        register_visibility(expert_visible_proposals)
