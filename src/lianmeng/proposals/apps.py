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
        # the roster index (which proposals list a unit) follows every saved document
        from django.db.models.signals import post_save

        from .models import Proposal
        from .roster_index import on_proposal_saved

        post_save.connect(on_proposal_saved, sender=Proposal, dispatch_uid="proposals.roster_index")
