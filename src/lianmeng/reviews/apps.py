from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "lianmeng.reviews"
    label = "reviews"
    verbose_name = "推荐与受理"

    def ready(self) -> None:
        # the proposal guards whose facts live here (call window, paper copies, category) and
        # the notifications sent after a proposal's state changes
        from . import guards, notifications  # noqa: F401
