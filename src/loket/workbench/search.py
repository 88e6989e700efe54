"""The front office's search page (the KCC): one box for a resident, an organisation, a case or
an answer. The query is ``loket.contacts.selectors.front_office_search``; every record it finds
was fetched through ``visible_to(user)``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from loket.accounts.requests import StaffRequest
from loket.contacts import selectors
from loket.lib.params import text_param
from loket.workbench.front_office_session import prefill_store


@login_required
def front_office(request: StaffRequest) -> HttpResponse:
    """The search is a POST (with CSRF) and its results are the POST's response: a BSN, birth
    date or phone number typed here never appears in a URL, so never in access logs, browser
    history or a Referer header. A GET shows the empty box; ``?q=`` is ignored, not echoed."""
    if request.method != "POST" and request.GET:
        # An old bookmark or a hand-made ?q=<BSN>: not searched, and the address is cleaned.
        return redirect("workbench:front_office")
    query = text_param(request.POST, "q", max_length=200) if request.method == "POST" else ""
    results = selectors.front_office_search(request.user, query) if query else None
    if results is not None and results.identifies_one_person:
        # BSN, address, phone or e-mail that points at exactly one resident: open them at once.
        return redirect("workbench:person_detail", uuid=results.persons[0].uuid)
    prefill = ""
    if results is not None and results.empty and results.prefill_data:
        # "Register a new resident" with what the query said, by an opaque key in the session.
        prefill = prefill_store(request.session, results.prefill_data)
    return render(
        request,
        "workbench/front_office.html",
        {"query": query, "results": results, "prefill": prefill},
    )
