from django.urls import path

from loket.portal import apply, appointments, login, my_cases, preferences, reports, views

app_name = "portal"
urlpatterns = [
    path("", views.municipality_home, name="home"),
    path("producten/<slug:product>", views.product_detail, name="product"),
    path("contact", views.contact, name="contact"),
    path("logo", views.logo, name="logo"),
    path("mijn/", my_cases.home, name="mijn"),
    path("mijn/inloggen", login.login, name="login"),
    path("mijn/inloggen/digid", login.oidc_start, name="oidc_start"),
    path("mijn/inloggen/email", login.email_login, name="email_login"),
    path("mijn/inloggen/link/<str:token>", login.email_link, name="email_link"),
    path("mijn/inloggen/demo", login.demo_login, name="demo_login"),
    path("mijn/uitloggen", login.logout, name="logout"),
    path("mijn/voorkeuren", preferences.preferences, name="mijn_preferences"),
    # A public-space report has its own form, with the map, for everyone (issue 15); the
    # address of the former application form leads there.
    path("mijn/aanvragen/melding-openbare-ruimte", reports.old_form, name="report_old_form"),
    path("mijn/aanvragen/<slug:product>", apply.apply, name="apply"),
    path("mijn/aanvragen/<slug:product>/controleren", apply.apply_check, name="apply_check"),
    path("mijn/aanvragen/<slug:product>/versturen", apply.apply_send, name="apply_send"),
    path("mijn/zaken/<uuid:uuid>", my_cases.case_detail, name="mijn_case"),
    path("mijn/zaken/<uuid:uuid>/ontvangen", my_cases.case_received, name="mijn_case_received"),
    path("mijn/zaken/<uuid:uuid>/bericht", my_cases.case_message, name="mijn_case_message"),
    path("mijn/zaken/<uuid:uuid>/document", my_cases.case_upload, name="mijn_case_upload"),
    path("mijn/zaken/<uuid:uuid>/intrekken", my_cases.case_withdraw, name="mijn_case_withdraw"),
    path(
        "mijn/zaken/<uuid:uuid>/besluiten/<uuid:decision>/bezwaar",
        my_cases.object_to_decision,
        name="mijn_object",
    ),
    path(
        "mijn/zaken/<uuid:uuid>/documenten/<uuid:document>",
        my_cases.case_document,
        name="mijn_case_document",
    ),
    path("afspraak/", appointments.start, name="appointment_start"),
    path("afspraak/tijd", appointments.choose_time, name="appointment_time"),
    path("afspraak/gegevens", appointments.details, name="appointment_details"),
    path("afspraak/bevestigd/<uuid:uuid>", appointments.done, name="appointment_done"),
    path(
        "afspraak/bevestigd/<uuid:uuid>/afspraak.ics",
        appointments.calendar_file,
        name="appointment_ics",
    ),
    path("afspraak/annuleren/<str:token>", appointments.cancel, name="appointment_cancel"),
    path("afspraak/verzetten/<str:token>", appointments.move, name="appointment_move"),
    path("mijn/afspraken", appointments.mine, name="mijn_appointments"),
    path("melden", reports.report_form, name="report_form"),
    path("melden/controleren", reports.report_check, name="report_check"),
    path("melden/versturen", reports.report_send, name="report_send"),
    path("melden/volgen", reports.report_follow_nearby, name="report_follow_nearby"),
    path("melden/ontvangen", reports.report_done, name="report_done"),
    path("melden/categorie", reports.suggest, name="report_suggest"),
    path("melden/adres", reports.address_search, name="report_address"),
    path("melding/volgen/<str:token>", reports.follow, name="report_follow"),
    path("meldingen-kaart", reports.public_map, name="report_map"),
    path("meldingen-kaart.json", reports.public_map_data, name="report_map_data"),
    path("mijn/zaken/<uuid:uuid>/opgelost", reports.mine_answer, name="mijn_report_answer"),
    path(
        "mijn/afspraken/<uuid:uuid>/annuleren",
        appointments.mine_cancel,
        name="mijn_appointment_cancel",
    ),
    path(
        "mijn/afspraken/<uuid:uuid>/verzetten", appointments.mine_move, name="mijn_appointment_move"
    ),
]
