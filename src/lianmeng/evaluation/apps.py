from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "lianmeng.evaluation"
    label = "evaluation"
    verbose_name = "绩效评价与整改"

    def ready(self) -> None:
        from .lifecycle import register

        # a rectification runs on the lifecycle engine (lianmeng.workflow)
        register()

        # the registry's alliance page links the lead unit to its evaluations and rectifications
        from lianmeng.alliances.links import register_page_links

        from .views_staff import alliance_links

        register_page_links("evaluation", alliance_links)

        # the published results and the warning notice are checked at /verify/<code>
        from .exports import register as register_exports

        register_exports()
