from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "lianmeng.insight"
    label = "insight"
    verbose_name = "数据驾驶舱"

    def ready(self) -> None:
        # each kind of precomputed figures registers its computation (lianmeng.insight.snapshots)
        from . import dashboard, overlap  # noqa: F401
