"""The satisfaction survey (CSAT): reached from the resolved-ticket mail by
a signed link, without signing in (see ``portal.links``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ventanilla.core.errors import ActionRefused
from ventanilla.portal import queries
from ventanilla.portal.forms import SurveyForm
from ventanilla.portal.links import ticket_from_survey_token
from ventanilla.tickets.actions import record_satisfaction


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    ticket = ticket_from_survey_token(token)
    if ticket is None:
        return render(request, "portal/survey.html", {"expired": True}, status=410)
    earlier = queries.satisfaction_of(ticket)
    initial = {"score": request.GET.get("score", earlier.score if earlier else None)}
    form = SurveyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record_satisfaction(
                ticket,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                contact=ticket.requester,
            )
        except ActionRefused as refused:
            form.add_error(None, refused)
        else:
            return render(
                request, "portal/survey.html", {"thanks": True, "ticket": ticket}
            )
    status = 422 if request.method == "POST" else 200
    return render(
        request, "portal/survey.html", {"form": form, "ticket": ticket}, status=status
    )
