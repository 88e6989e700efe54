"""The resident side's request, typed: the municipality its path names.

A resident-side URL starts with a municipality's slug (``/<slug>/...``); the view resolves it
(``loket.tenancy.selectors.municipality_for_slug``) and keeps it on the request as
``request.municipality``, which the page's templates and the context processor read. A view that
does so takes a ``MunicipalityRequest``, so that assignment and every later read are typed
instead of an ``attr-defined`` ignore. Only a type: at run time the request is Django's own
``HttpRequest``, and the attribute exists once the view has set it.
"""

from __future__ import annotations

from django.http import HttpRequest

from loket.tenancy.models import Municipality


class MunicipalityRequest(HttpRequest):
    """A resident-side request, with the municipality its path names once the view resolved it.
    The portal adds the logged-in resident in a subclass of its own."""

    municipality: Municipality
