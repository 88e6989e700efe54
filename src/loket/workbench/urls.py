from django.contrib.auth import views as auth_views
from django.urls import path

from loket.workbench import (
    contact_requests,
    contacts,
    counter,
    counter_figures,
    decisions,
    knowledge,
    letters,
    parties,
    reports,
    search,
    views,
)
from loket.workbench.forms import StaffLoginForm

app_name = "workbench"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("afspraken/cijfers", counter_figures.figures, name="counter_figures"),
    path(
        "inloggen",
        auth_views.LoginView.as_view(
            template_name="workbench/login.html", authentication_form=StaffLoginForm
        ),
        name="login",
    ),
    path("uitloggen", auth_views.LogoutView.as_view(), name="logout"),
    path("zaken", views.case_list, name="case_list"),
    path("meldingen", views.notifications, name="notifications"),
    path("zaken/toewijzen", views.bulk_assign, name="bulk_assign"),
    path("zaken/<uuid:uuid>", views.case_detail, name="case_detail"),
    path("zaken/<uuid:uuid>/audit", views.case_audit, name="case_audit"),
    path("zaken/<uuid:uuid>/documenten/<uuid:document>", views.case_document, name="case_document"),
    path(
        "zaken/<uuid:uuid>/besluiten/<uuid:decision>/<slug:action>",
        decisions.decision_action,
        name="decision_action",
    ),
    path("zaken/<uuid:uuid>/<slug:action>", views.case_action, name="case_action"),
    path("loket", search.front_office, name="front_office"),
    path("personen/nieuw", parties.person_new, name="person_new"),
    path("personen/<uuid:uuid>", parties.person_detail, name="person_detail"),
    path("personen/<uuid:uuid>/wijzigen", parties.person_edit, name="person_edit"),
    path("personen/<uuid:uuid>/beantwoord", contacts.person_answer, name="person_answer"),
    path("personen/<uuid:uuid>/afspraak", counter.appointment_new, name="appointment_new"),
    path("afspraken/<uuid:uuid>/verplaatsen", counter.appointment_move, name="appointment_move"),
    path("afspraken/<uuid:uuid>/annuleren", counter.appointment_cancel, name="appointment_cancel"),
    path("balie/", counter.counter_index, name="counter_index"),
    path("balie/<uuid:location>/", counter.counter_day, name="counter_day"),
    path(
        "balie/<uuid:location>/inchecken/<uuid:appointment>",
        counter.counter_check_in,
        name="counter_check_in",
    ),
    path("balie/<uuid:location>/balie/<int:desk>/", counter.counter_desk, name="counter_desk"),
    path(
        "balie/<uuid:location>/balie/<int:desk>/<slug:action>",
        counter.counter_desk_action,
        name="counter_desk_action",
    ),
    path("scherm/<uuid:location>", counter.counter_display, name="counter_display"),
    path("organisaties/nieuw", parties.organisation_new, name="organisation_new"),
    path("organisaties/<uuid:uuid>", parties.organisation_detail, name="organisation_detail"),
    path("contacten/nieuw", contacts.contact_new, name="contact_new"),
    path("contacten/<uuid:uuid>", views.contact_detail, name="contact_detail"),
    path("kennisbank", knowledge.knowledge, name="knowledge"),
    path("kennisbank/nieuw", knowledge.article_new, name="article_new"),
    path("kennisbank/<uuid:uuid>", knowledge.article_detail, name="article_detail"),
    path("kennisbank/<uuid:uuid>/wijzigen", knowledge.article_edit, name="article_edit"),
    path("sjablonen", letters.letter_templates, name="letter_templates"),
    path("sjablonen/<slug:municipality>/brief", letters.letter_template, name="letter_template"),
    path(
        "sjablonen/<slug:municipality>/brief/voorbeeld",
        letters.letter_preview,
        name="letter_preview",
    ),
    path(
        "sjablonen/<slug:municipality>/tekstblokken",
        letters.reasoning_blocks,
        name="reasoning_blocks",
    ),
    path(
        "sjablonen/<slug:municipality>/tekstblokken/<int:decision_type>",
        letters.reasoning_blocks_edit,
        name="reasoning_blocks_edit",
    ),
    path("openbare-ruimte", reports.report_list, name="report_list"),
    path("openbare-ruimte/kaart", reports.report_map, name="report_map"),
    path(
        "openbare-ruimte/<uuid:uuid>/foto/<int:photo>",
        reports.report_photo,
        name="report_photo",
    ),
    path(
        "openbare-ruimte/<uuid:uuid>/samenvoegen",
        reports.report_merge_view,
        name="report_merge",
    ),
    path("verzoeken", contact_requests.request_list, name="request_list"),
    path("verzoeken/<uuid:uuid>", contact_requests.request_detail, name="request_detail"),
    path(
        "verzoeken/<uuid:uuid>/<slug:action>",
        contact_requests.request_action,
        name="request_action",
    ),
]
