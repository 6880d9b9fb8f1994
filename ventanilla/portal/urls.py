from django.urls import path

from ventanilla.portal.views import auth, survey, tickets

app_name = "portal"
urlpatterns = [
    path("", tickets.ticket_list, name="home"),
    path("sign-in/", auth.sign_in, name="login"),
    path("sign-in/link/", auth.request_link, name="request-link"),
    path("sign-in/link/<str:uidb64>/<str:token>/", auth.use_link, name="link"),
    path("sign-out/", auth.sign_out, name="logout"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/sent/",
        auth.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password/reset/<str:uidb64>/<str:token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/done/",
        auth.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("requests/new/", tickets.new_ticket, name="new"),
    path("requests/<int:number>/", tickets.ticket_detail, name="ticket"),
    path("requests/<int:number>/reply/", tickets.reply, name="reply"),
    path("requests/<int:number>/follow-up/", tickets.follow_up, name="follow-up"),
    path(
        "requests/<int:number>/files/<int:attachment_id>/",
        tickets.attachment,
        name="attachment",
    ),
    path("survey/<str:token>/", survey.survey, name="survey"),
]
