from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "lianmeng.reporting"
    label = "reporting"
    verbose_name = "联盟报告"

    def ready(self) -> None:
        from lianmeng.alliances.links import register_page_links, register_panel

        from .lifecycle import register
        from .views import alliance_links, registry_panel

        # a report's life runs on the lifecycle engine (lianmeng.workflow); its deadlines are
        # on the calendar (lianmeng.schedule)
        register()
        # the registry's alliance page links to the reports and shows the KPI warnings
        register_page_links("reporting", alliance_links)
        register_panel("reporting", registry_panel)
