from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "lianmeng.proposals"
    label = "proposals"
    verbose_name = "申报"
