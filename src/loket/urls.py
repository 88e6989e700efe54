"""URL map. Resident pages live under a municipality's path prefix (``/<slug>/``), which is
why that pattern comes last and the other top-level names are reserved
(``loket.tenancy.models.RESERVED_SLUGS``)."""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from loket.portal.login import oidc_callback

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("loket.web.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("loket.api.urls")),
    # Open311 GeoReport v2 (issue 15): its own URL scheme and formats, not the API's.
    path("open311/v2/", include("loket.api.open311")),
    path("werkplek/", include("loket.workbench.urls")),
    # One return address for the DigiD/eHerkenning broker, whichever municipality started.
    path("mijn-loket/oidc/callback", oidc_callback, name="portal_oidc_callback"),
    path("<slug:municipality>/", include("loket.portal.urls")),
]
if settings.MODE == "demo":
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "loket.web.views.bad_request"
handler404 = "loket.web.views.not_found"
handler500 = "loket.web.views.server_error"
