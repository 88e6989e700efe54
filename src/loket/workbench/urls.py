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
    path("zaken/<uuid:uuid>", views.case_detail, name="case_detail"),
    path("personen/<uuid:uuid>", views.person_detail, name="person_detail"),
    path("contacten/<uuid:uuid>", views.contact_detail, name="contact_detail"),
]
