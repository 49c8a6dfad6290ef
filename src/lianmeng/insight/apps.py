from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "lianmeng.insight"
    label = "insight"
    verbose_name = "数据驾驶舱"
