from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from loket.api import appointments, views

app_name = "api"
urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path(
        "docs",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:openapi", template_name="web/swagger_ui.html"
        ),
        name="docs",
    ),
    path("cases", views.CaseCollection.as_view(), name="cases"),
    path("wegwijzer", views.Wegwijzer.as_view(), name="wegwijzer"),
    path(
        "appointments/availability",
        appointments.Availability.as_view(),
        name="appointment-availability",
    ),
    path("appointments", appointments.AppointmentCollection.as_view(), name="appointments"),
    path(
        "appointments/<uuid:uuid>/cancel",
        appointments.AppointmentCancel.as_view(),
        name="appointment-cancel",
    ),
    path(
        "appointments/<uuid:uuid>/move",
        appointments.AppointmentMove.as_view(),
        name="appointment-move",
    ),
    path("cases/<uuid:uuid>", views.CaseDetail.as_view(), name="case"),
    path("cases/<uuid:uuid>/status", views.CaseStatusChange.as_view(), name="case-status"),
    path("cases/<uuid:uuid>/result", views.CaseResult.as_view(), name="case-result"),
    path("cases/<uuid:uuid>/suspend", views.CaseSuspend.as_view(), name="case-suspend"),
    path("cases/<uuid:uuid>/resume", views.CaseResume.as_view(), name="case-resume"),
    path("cases/<uuid:uuid>/extend", views.CaseExtend.as_view(), name="case-extend"),
    path("cases/<uuid:uuid>/documents", views.CaseDocuments.as_view(), name="case-documents"),
    path(
        "cases/<uuid:uuid>/documents/<uuid:document>",
        views.CaseDocumentContent.as_view(),
        name="case-document",
    ),
]
