from django.urls import path

from loket.portal import mijn, views

app_name = "portal"
urlpatterns = [
    path("", views.municipality_home, name="home"),
    path("producten/<slug:product>", views.product_detail, name="product"),
    path("contact", views.contact, name="contact"),
    path("logo", views.logo, name="logo"),
    path("mijn/", mijn.home, name="mijn"),
    path("mijn/inloggen", mijn.login, name="login"),
    path("mijn/inloggen/digid", mijn.oidc_start, name="oidc_start"),
    path("mijn/inloggen/email", mijn.email_login, name="email_login"),
    path("mijn/inloggen/link/<str:token>", mijn.email_link, name="email_link"),
    path("mijn/inloggen/demo", mijn.demo_login, name="demo_login"),
    path("mijn/uitloggen", mijn.logout, name="logout"),
    path("mijn/voorkeuren", mijn.preferences, name="mijn_preferences"),
    path("mijn/aanvragen/<slug:product>", mijn.apply, name="apply"),
    path("mijn/aanvragen/<slug:product>/controleren", mijn.apply_check, name="apply_check"),
    path("mijn/aanvragen/<slug:product>/versturen", mijn.apply_send, name="apply_send"),
    path("mijn/zaken/<uuid:uuid>", mijn.case_detail, name="mijn_case"),
    path("mijn/zaken/<uuid:uuid>/ontvangen", mijn.case_received, name="mijn_case_received"),
    path("mijn/zaken/<uuid:uuid>/bericht", mijn.case_message, name="mijn_case_message"),
    path("mijn/zaken/<uuid:uuid>/document", mijn.case_upload, name="mijn_case_upload"),
    path("mijn/zaken/<uuid:uuid>/intrekken", mijn.case_withdraw, name="mijn_case_withdraw"),
    path(
        "mijn/zaken/<uuid:uuid>/besluiten/<uuid:decision>/bezwaar",
        mijn.object_to_decision,
        name="mijn_object",
    ),
    path(
        "mijn/zaken/<uuid:uuid>/documenten/<uuid:document>",
        mijn.case_document,
        name="mijn_case_document",
    ),
]
