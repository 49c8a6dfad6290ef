from django.apps import AppConfig


class WhatifConfig(AppConfig):
    name = "lianmeng.whatif"
    label = "whatif"
    verbose_name = "政策推演"
