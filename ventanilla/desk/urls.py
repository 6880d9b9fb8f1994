from django.contrib.auth.views import LogoutView
from django.urls import path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from ventanilla.desk.guards import agent_required
from ventanilla.desk.signin import DeskLoginView
from ventanilla.desk.views import (
    activities,
    files,
    intake,
    profile,
    queues,
    search,
    ticket,
    triage,
)

app_name = "desk"
urlpatterns = [
    path(
        "",
        RedirectView.as_view(pattern_name="desk:queue", permanent=False),
        {"view": "mine"},
        name="home",
    ),
    path("sign-in/", DeskLoginView.as_view(), name="login"),
    path("sign-out/", LogoutView.as_view(next_page="desk:login"), name="logout"),
    path("language/", set_language, name="language"),
    path("nav/", queues.nav, name="nav"),
    path("queues/<slug:view>/", queues.queue, name="queue"),
    path("pipelines/<slug:slug>/", queues.pipeline_queue, name="pipeline"),
    path("pipelines/<slug:slug>/board/", queues.board, name="board"),
    path("bulk/", queues.bulk, name="bulk"),
    path("search/", search.search, name="search"),
    path("filters/", queues.save_filter_view, name="save-filter"),
    path("filters/<int:pk>/delete/", queues.delete_filter_view, name="delete-filter"),
    path("profile/", profile.profile, name="profile"),
    path(
        "profile/password/",
        agent_required(profile.PasswordChangeView.as_view()),
        name="password",
    ),
    path("triage/", triage.triage, name="triage"),
    path("triage/<int:number>/", triage.classify, name="triage-classify"),
    path("tickets/new/", intake.new_ticket, name="new-ticket"),
    path("contacts/", intake.contacts, name="contacts"),
    path("tickets/<int:number>/", ticket.detail, name="ticket"),
    path("tickets/<int:number>/viewers/", ticket.viewers, name="viewers"),
    path("tickets/<int:number>/reply/", ticket.reply, name="reply"),
    path("tickets/<int:number>/note/", ticket.note, name="note"),
    path("tickets/<int:number>/stage/", ticket.stage, name="stage"),
    path("tickets/<int:number>/classify/", ticket.classify, name="classify"),
    path("tickets/<int:number>/move/", ticket.move, name="move"),
    path("tickets/<int:number>/merge/", ticket.merge, name="merge"),
    path("tickets/<int:number>/link/", ticket.link, name="link"),
    path(
        "tickets/<int:number>/activities/",
        ticket.plan_activity,
        name="plan-activity",
    ),
    path("agenda/", activities.agenda_page, name="agenda"),
    path("agenda/new/", activities.plan_own, name="plan-own-activity"),
    path("agenda/feed/", activities.renew_feed, name="renew-feed"),
    path("activities/<int:pk>/done/", activities.complete, name="complete-activity"),
    path("activities/<int:pk>/reopen/", activities.reopen, name="reopen-activity"),
    path(
        "activities/<int:pk>/reschedule/",
        activities.reschedule,
        name="reschedule-activity",
    ),
    path("activities/<int:pk>/delete/", activities.delete, name="delete-activity"),
    path(
        "tickets/<int:number>/attachments/<int:attachment_id>/",
        files.attachment,
        name="attachment",
    ),
]
