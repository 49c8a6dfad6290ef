from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "lianmeng.projects"
    label = "projects"
    verbose_name = "重大项目征集"

    def ready(self) -> None:
        # a submitted proposal's PDF is checked at /verify/<code>
        from .exports import register

        register()
