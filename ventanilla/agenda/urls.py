from django.urls import path

from ventanilla.agenda import views

app_name = "agenda"
urlpatterns = [
    path("feed/<slug:token>.ics", views.feed, name="feed"),
]
