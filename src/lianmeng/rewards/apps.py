from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "lianmeng.rewards"
    label = "rewards"
    verbose_name = "扶持与奖补"

    def ready(self) -> None:
        # the registry's alliance page links to the alliance's claims and support record
        from lianmeng.alliances.links import register_page_links

        from .links import alliance_links

        register_page_links("rewards", alliance_links)

        # a published batch's decision PDF is checked at /verify/<code>
        from .exports import register as register_exports

        register_exports()
