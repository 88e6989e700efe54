from django.contrib.auth import views as auth_views
from django.urls import path

from loket.workbench import views

app_name = "workbench"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "inloggen",
        auth_views.LoginView.as_view(template_name="workbench/login.html"),
        name="login",
    ),
    path("uitloggen", auth_views.LogoutView.as_view(), name="logout"),
    path("zaken", views.case_list, name="case_list"),
    path("zaken/toewijzen", views.bulk_assign, name="bulk_assign"),
    path("zaken/<uuid:uuid>", views.case_detail, name="case_detail"),
    path("zaken/<uuid:uuid>/audit", views.case_audit, name="case_audit"),
    path("zaken/<uuid:uuid>/documenten/<uuid:document>", views.case_document, name="case_document"),
    path("zaken/<uuid:uuid>/<slug:action>", views.case_action, name="case_action"),
    path("personen/<uuid:uuid>", views.person_detail, name="person_detail"),
    path("contacten/<uuid:uuid>", views.contact_detail, name="contact_detail"),
]
