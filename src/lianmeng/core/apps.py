from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lianmeng.core"
    label = "core"
    verbose_name = "核心数据"

    def ready(self) -> None:
        # A broken policy profile must stop start-up with a message naming file and key.
        from lianmeng.policy.loader import load_profiles

        load_profiles()

        from django.contrib.auth.signals import user_logged_in

        from .middleware import SessionTimeoutMiddleware

        user_logged_in.connect(
            SessionTimeoutMiddleware.stamp, dispatch_uid="lianmeng.core.session_timeout"
        )
        from . import reauth

        # signing in is a fresh proof for the sensitive actions (core.reauth)
        user_logged_in.connect(reauth.on_login, dispatch_uid="lianmeng.core.reauth")
