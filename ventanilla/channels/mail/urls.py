from django.urls import path

from ventanilla.channels.mail import views

app_name = "mail"
urlpatterns = [
    path("inbound/email/<str:token>", views.inbound_email, name="inbound"),
]
