from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Ventanilla"
admin.site.site_title = "Ventanilla"
admin.site.index_title = "Ventanilla"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="desk:home", permanent=False)),
    path("desk/", include("ventanilla.desk.urls")),
    path("portal/", include("ventanilla.portal.urls")),
    path("api/", include("ventanilla.api.urls")),
    path("admin/", admin.site.urls),
    path("forms/", include("ventanilla.channels.webform.urls")),
    path("agenda/", include("ventanilla.agenda.urls")),
    path("", include("ventanilla.channels.mail.urls")),
]
