from django.urls import path
from django.views.generic import RedirectView

app_name = "portal"
urlpatterns: list = [
    path("", RedirectView.as_view(url="/desk/", permanent=False), name="home"),
]
