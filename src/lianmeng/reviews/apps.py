from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "lianmeng.reviews"
    label = "reviews"
    verbose_name = "推荐与受理"
