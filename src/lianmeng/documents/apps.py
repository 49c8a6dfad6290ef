from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "lianmeng.documents"
    label = "documents"
    verbose_name = "文书"
