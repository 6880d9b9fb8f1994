from django.urls import path

from ventanilla.api import docs, views
from ventanilla.api.v1 import api

app_name = "api"
urlpatterns = [
    path("v1/", api.urls),
    path("v1/docs-assets/<str:name>", docs.asset, name="docs-asset"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke, name="revoke-token"),
]
