from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "lianmeng.schedule"
    label = "schedule"
    verbose_name = "期限日历与提醒"

    def ready(self) -> None:
        from .subjects import register_defaults

        register_defaults()
