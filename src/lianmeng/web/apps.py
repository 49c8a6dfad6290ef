from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lianmeng.web"
    label = "web"
    verbose_name = "网站"

    def ready(self) -> None:
        from . import security

        security.connect()
