from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "lianmeng.ui"
    label = "ui"
    verbose_name = "界面"
