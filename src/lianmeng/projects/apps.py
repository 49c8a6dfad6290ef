from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "lianmeng.projects"
    label = "projects"
    verbose_name = "重大项目征集"
