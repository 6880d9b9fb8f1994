from django.urls import path

from ventanilla.channels.webform import views

app_name = "webform"
urlpatterns = [
    path("<slug:key>/", views.form_page, name="form"),
    path("<slug:key>/embed.js", views.embed_js, name="embed"),
]
