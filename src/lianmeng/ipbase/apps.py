"""Patent pool and industrial technology standards base (M-61, seed 000 四(一)4)."""

from django.apps import AppConfig


class IpbaseConfig(AppConfig):
    name = "lianmeng.ipbase"
    label = "ipbase"
    verbose_name = "专利池与标准信息库"

    def ready(self) -> None:
        # the registry's alliance page links to the patents and standards it reported
        from lianmeng.alliances.links import register_page_links

        from .links import alliance_links

        register_page_links("ipbase", alliance_links)
