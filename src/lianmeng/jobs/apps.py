from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "lianmeng.jobs"
    label = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # every app's ``job_kinds`` module registers its kinds (web process and worker alike)
        autodiscover_modules("job_kinds")
