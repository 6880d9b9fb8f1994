"""The embeddable form: the page shown in the iframe, and the script that
inserts the iframe on a customer's website.

Defences, in the order they apply:

1. Framing: the page may be framed only by the form's allowed origins
   (``Content-Security-Policy: frame-ancestors``; X-Frame-Options is lifted
   for this view only, it cannot list origins).
2. Cross-site posts: a POST must carry an ``Origin`` (or, failing that, a
   ``Referer``) that is this site (the iframe) or an allowed origin.
3. CSRF: Django's cookie-based check cannot work here, because browsers
   do not send a SameSite=Lax cookie from a page framed by another site.
   The form carries instead a signed, time-limited token of its own, which
   with check 2 refuses posts forged elsewhere and replays of old pages.
4. Spam: a honeypot field, and submissions counted per client address and
   per email address in the cache (``VENTANILLA_WEBFORM_*`` settings).
"""

from __future__ import annotations

import hashlib
import json
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from ventanilla.channels.webform.actions import submit_request
from ventanilla.channels.webform.forms import RequestForm
from ventanilla.channels.webform.models import WebForm, normalise_origin
from ventanilla.core import ratelimit
from ventanilla.core.errors import ActionRefused
from ventanilla.desk.signin import client_address
from ventanilla.portal.uploads import new_attachments

_FORM_SALT = "ventanilla.webform.token"


def _form_or_404(key: str) -> WebForm:
    form = WebForm.objects.select_related("pipeline").filter(key=key).first()
    if form is None or not form.is_active:
        raise Http404("No such form")
    return form


def _own_origin(request: HttpRequest) -> set[str]:
    here = normalise_origin(f"{request.scheme}://{request.get_host()}")
    return {here, normalise_origin(settings.SITE_URL)} - {""}


def _request_origin(request: HttpRequest) -> str:
    origin = request.headers.get("Origin", "")
    if origin and origin != "null":
        return normalise_origin(origin)
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.scheme and referer.netloc:
        return normalise_origin(f"{referer.scheme}://{referer.netloc}")
    return ""


def _make_token(form: WebForm) -> str:
    return signing.dumps(form.key, salt=_FORM_SALT)


def _token_ok(form: WebForm, token: str) -> bool:
    max_age = settings.VENTANILLA_WEBFORM_TOKEN_MINUTES * 60
    try:
        return bool(signing.loads(token, salt=_FORM_SALT, max_age=max_age) == form.key)
    except signing.BadSignature:
        return False


def _over_limit(kind: str, value: str, limit: int) -> bool:
    """Count one submission for ``value``; True once past ``limit``."""
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()
    key = f"webform:{kind}:{digest}"
    window = settings.VENTANILLA_WEBFORM_WINDOW_MINUTES * 60
    return ratelimit.hit(key, window, time.time()).calls > limit


def _page(
    request: HttpRequest, form: WebForm, context: dict[str, object], status: int = 200
) -> HttpResponse:
    response = render(
        request, "webform/form.html", {"web_form": form, **context}, status=status
    )
    ancestors = " ".join(["'self'", *form.origins])
    response["Content-Security-Policy"] = (
        f"frame-ancestors {ancestors}; default-src 'self'; "
        "img-src 'self' data:; form-action 'self'"
    )
    response["Referrer-Policy"] = "same-origin"
    return response


@csrf_exempt  # replaced by the signed token and the origin check (see above)
@xframe_options_exempt  # replaced by CSP frame-ancestors
@require_http_methods(["GET", "POST"])
def form_page(request: HttpRequest, key: str) -> HttpResponse:
    web_form = _form_or_404(key)
    if request.method == "GET":
        form = RequestForm(initial={"token": _make_token(web_form)})
        return _page(request, web_form, {"form": form})
    allowed = _own_origin(request) | set(web_form.origins)
    if _request_origin(request) not in allowed:
        return _page(request, web_form, {"refused": "origin"}, status=403)
    form = RequestForm(request.POST, request.FILES)
    if not form.is_valid():
        # Shown again with a fresh token, so fixing it does not expire.
        retry = request.POST.copy()
        retry["token"] = _make_token(web_form)
        form = RequestForm(retry, request.FILES)
        form.is_valid()
        return _page(request, web_form, {"form": form}, status=422)
    data = form.cleaned_data
    if not _token_ok(web_form, data["token"]):
        fresh = RequestForm(initial={**data, "token": _make_token(web_form)})
        return _page(request, web_form, {"form": fresh, "stale": True}, status=403)
    if data["website"]:
        return _page(request, web_form, {"sent": True})  # a bot: nothing stored
    by_ip = _over_limit(
        "ip", client_address(request), settings.VENTANILLA_WEBFORM_MAX_PER_IP
    )
    by_email = _over_limit(
        "email", data["email"], settings.VENTANILLA_WEBFORM_MAX_PER_EMAIL
    )
    if by_ip or by_email:
        return _page(request, web_form, {"refused": "rate"}, status=429)
    try:
        ticket = submit_request(
            web_form,
            name=data["name"],
            email=data["email"],
            subject=data["subject"],
            message=data["message"],
            attachments=new_attachments(data["attachments"]),
        )
    except ActionRefused as refused:
        form.add_error(None, refused)
        return _page(request, web_form, {"form": form}, status=422)
    return _page(request, web_form, {"sent": True, "ticket": ticket})


@require_GET
def embed_js(request: HttpRequest, key: str) -> HttpResponse:
    """A few lines of our own JavaScript that put the form's iframe where
    the ``<script>`` tag is, and follow the form's height."""
    web_form = _form_or_404(key)
    url = request.build_absolute_uri(reverse("webform:form", args=[web_form.key]))
    origin = normalise_origin(url)
    script = _EMBED_JS % {
        "url": json.dumps(url),
        "origin": json.dumps(origin),
        "key": json.dumps(web_form.key),
        "title": json.dumps(web_form.name),
    }
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


_EMBED_JS = """(function () {
  var script = document.currentScript;
  var frame = document.createElement("iframe");
  frame.src = %(url)s;
  frame.title = %(title)s;
  frame.style.width = "100%%";
  frame.style.border = "0";
  frame.style.minHeight = "560px";
  frame.setAttribute("loading", "lazy");
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener("message", function (event) {
    if (event.origin !== %(origin)s || event.source !== frame.contentWindow) return;
    var data = event.data || {};
    if (data.ventanillaForm === %(key)s && typeof data.height === "number") {
      frame.style.height = Math.min(Math.max(data.height, 200), 4000) + "px";
    }
  });
})();
"""
