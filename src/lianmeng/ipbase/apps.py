from django.apps import AppConfig


class IpbaseConfig(AppConfig):
    name = "lianmeng.ipbase"
    label = "ipbase"
    verbose_name = "专利池与标准信息库"
