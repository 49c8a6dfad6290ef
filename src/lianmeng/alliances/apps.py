from django.apps import AppConfig


class AlliancesConfig(AppConfig):
    name = "lianmeng.alliances"
    label = "alliances"
    verbose_name = "联盟名录与决定"

    def ready(self) -> None:
        # the duplicate check (and ``alliance.unique_in_field``) compares proposals with the
        # alliances decided before the system, imported into the registry
        from lianmeng.proposals.existing import (
            ExistingAllianceSource,
            register_existing_alliances,
        )

        from .integrity import register_integrity
        from .legacy import alliance_status_label, legacy_alliance_candidates, legacy_alliances
        from .lifecycle import register

        # an alliance's life after the decision runs on the lifecycle engine (lianmeng.workflow)
        register()

        # the revocation notice (取消备案通知/撤销通知) is checked at /verify/<code>
        from .revocation import register as register_revocation

        register_revocation()

        # published decisions are sealed in the audit chain, re-checked by `audit verify`
        register_integrity()

        register_existing_alliances(
            ExistingAllianceSource(
                kind="alliance",
                rows=legacy_alliances,
                status_label=alliance_status_label,
                candidates=legacy_alliance_candidates,
            )
        )
