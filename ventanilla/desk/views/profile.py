"""An agent's own profile: name, email, language, password."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ventanilla.desk.actions import update_profile
from ventanilla.desk.forms import ProfileForm
from ventanilla.desk.guards import DeskRequest, agent_required
from ventanilla.desk.views.common import REFUSED, go, navigation, page


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_http_methods(["GET", "POST"])
@agent_required
def profile(request: DeskRequest) -> HttpResponse:
    user = request.user
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "language": translation.get_language(),
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        update_profile(
            user,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            language=data["language"],
        )
        translation.activate(data["language"])
        response = go(request, reverse("desk:profile"), _("Profile saved."))
        set_language_cookie(response, data["language"])
        return response
    status = REFUSED if request.method == "POST" else 200
    return page(
        request,
        "desk/profile.html",
        {"form": form, "title": _("My profile")},
        status=status,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view, in the desk's layout; the session stays signed in."""

    template_name = "desk/password_change.html"
    success_url = reverse_lazy("desk:profile")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        from django.contrib import messages

        response = super().form_valid(form)
        messages.success(self.request, _("Password changed."))
        return response

    def get_context_data(self, **kwargs):  # type: ignore[no-untyped-def]
        context = super().get_context_data(**kwargs)
        context["nav"] = navigation(self.request)  # type: ignore[arg-type]
        context["current_path"] = self.request.path
        context["title"] = _("Change password")
        return context
