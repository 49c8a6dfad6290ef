from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "lianmeng.notices"
    label = "notices"
    verbose_name = "公告与公示"
