"""在线申报 (urls_apply): ``calls/<pk>/apply/``, named ``calls:apply``.

Opening a draft belongs to the proposals app, but the URL is the call's: ``config.urls`` mounts
these patterns at the site root in the ``calls`` namespace, beside the call pages.
"""

from django.urls import path

from . import views_apply

urlpatterns = [
    path("calls/<int:pk>/apply/", views_apply.call_apply, name="apply"),
]
