from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "lianmeng.calls"
    label = "calls"
    verbose_name = "申报通知"
