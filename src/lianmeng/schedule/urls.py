from django.urls import path

from . import views

app_name = "schedule"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/feed/", views.feed_manage, name="feed_manage"),
    path("calendar/feed/<str:token>.ics", views.feed, name="feed"),
]
