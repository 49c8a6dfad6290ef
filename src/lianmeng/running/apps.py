from django.apps import AppConfig


class RunningConfig(AppConfig):
    name = "lianmeng.running"
    label = "running"
    verbose_name = "联盟运行"

    def ready(self) -> None:
        from django.urls import reverse

        from lianmeng.alliances.links import register_workspace_link

        from .lifecycle import register
        from .selectors import may_open

        # change filings (变更备案) run on the lifecycle engine as subject kind ``change``
        register()

        # a revocation or dissolution tells the lead unit and the member units (M-35)
        from . import revocation_notices  # noqa: F401

        def link(viewer, alliance):  # noqa: ANN001, ANN202
            return (
                reverse("running:workspace", args=[alliance.pk])
                if may_open(viewer, alliance)
                else None
            )

        register_workspace_link(link)
