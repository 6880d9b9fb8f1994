"""The calendar feed: no session, the secret address is the credential."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from ventanilla.agenda import queries
from ventanilla.agenda.feed import feed_document


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    found = queries.feed_by_token(token)
    if found is None:
        raise Http404("No such feed")
    document = feed_document(
        found.user,
        queries.feed_activities(found.user),
        absolute=request.build_absolute_uri,
    )
    response = HttpResponse(document, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    # The address is a secret: shared caches must not keep the document.
    response["Cache-Control"] = "private, max-age=300"
    return response
