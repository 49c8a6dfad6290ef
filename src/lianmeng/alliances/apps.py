from django.apps import AppConfig


class AlliancesConfig(AppConfig):
    name = "lianmeng.alliances"
    label = "alliances"
    verbose_name = "联盟名录与决定"
