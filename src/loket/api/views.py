"""``/api/v1``: cases for systems (token) and for the portal and workbench (session).

Thin: every change is a call to ``loket.cases.services``; what a caller may see comes from
``Case.objects.visible_to``; refusals become problem documents (``loket.api.problems``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loket.api import serializers as s
from loket.api.requests import StaffApiRequest
from loket.cases import services
from loket.cases.models import Case, CaseDocument, DueState
from loket.cases.selectors import QueueFilters, case_queue
from loket.cases.uploads import ALLOWED_DOCUMENTS
from loket.catalogue.models import Product
from loket.lib.params import parse_id
from loket.parties.models import Person
from loket.tenancy.selectors import municipalities_for_staff

PROBLEM = OpenApiResponse(s.ProblemSerializer, description="Problem (RFC 9457)")
ERRORS = {code: PROBLEM for code in (400, 401, 403, 404, 409, 429)}
# What a document download can be: the types ``check_upload`` accepts.
DOCUMENT_TYPES = sorted({content_type for content_type, _magic in ALLOWED_DOCUMENTS.values()})


def _case(request: StaffApiRequest, uuid: UUID) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related(
            "product",
            "case_type",
            "status",
            "municipality",
            "team",
            "partner",
            "result",
            "assignee",
        ),
        uuid=uuid,
    )


def _invalid(field: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [message]})


def _query(request: Request, name: str, default: str = "") -> str:
    """A query parameter as text; a NUL character (which no database column can hold) is a
    400 naming the parameter, like every other malformed value."""
    value = str(request.query_params.get(name, default))
    if "\x00" in value:
        raise _invalid(name, _("Contains a character that is not allowed."))
    return value


class CaseCollection(APIView):
    @extend_schema(
        operation_id="cases_list",
        summary="List cases, earliest deadline first",
        parameters=[
            OpenApiParameter("municipality", str, description="Municipality slug"),
            OpenApiParameter("product", str, description="Product slug"),
            OpenApiParameter("status", str, description="Status step code"),
            OpenApiParameter("dueState", str, enum=DueState.values),
            OpenApiParameter("assignee", str, description="User id, or “none”"),
            OpenApiParameter("closed", bool, description="Closed instead of open cases"),
            OpenApiParameter(
                "after", str, description="Cursor taken from the previous page (see next)"
            ),
            OpenApiParameter("pageSize", int, description="1-100, default 50"),
        ],
        responses={200: s.CaseListSerializer, **ERRORS},
    )
    def get(self, request: StaffApiRequest) -> Response:
        params = request.query_params
        try:
            size = min(max(int(_query(request, "pageSize", "50")), 1), 100)
        except ValueError:
            raise _invalid("pageSize", _("A whole number from 1 to 100.")) from None
        due = _query(request, "dueState")
        if due and due not in DueState.values:
            # The states of ``DueState``, the one definition the queue and the field use too.
            raise _invalid(
                "dueState", _("One of %(states)s.") % {"states": ", ".join(DueState.values)}
            )
        assignee = _query(request, "assignee")
        if assignee not in ("", "none") and parse_id(assignee) is None:
            raise _invalid("assignee", _("A user id (a whole number) or “none”."))
        filters = QueueFilters(
            scope="all",
            municipality=_query(request, "municipality"),
            product=_query(request, "product"),
            status=_query(request, "status"),
            due=due,
            assignee=assignee,
            closed=_query(request, "closed", "false").lower() == "true",
        )
        page = case_queue(request.user, filters, cursor=_query(request, "after"), size=size)
        following = None
        if page.next_cursor:
            query = {k: v for k, v in params.items() if k != "after"} | {"after": page.next_cursor}
            following = request.build_absolute_uri(f"{request.path}?{urlencode(query)}")
        return Response(
            {
                "count": page.count,
                "countIsCapped": page.count_capped,
                "next": following,
                "results": s.case_rows(page.cases, request),
            }
        )

    @extend_schema(
        operation_id="cases_create",
        summary="Open a case for a product",
        request=s.CaseCreateSerializer,
        responses={201: s.CaseSerializer, **ERRORS},
    )
    def post(self, request: StaffApiRequest) -> Response:
        data = s.CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        municipality = (
            municipalities_for_staff(request.user).filter(slug=values["municipality"]).first()
        )
        if municipality is None:
            raise _invalid("municipality", _("Unknown municipality, or not one you work for."))
        # Whether this municipality offers it is ``case_create``'s rule (a refusal on "product").
        product = Product.objects.filter(slug=values["product"]).first()
        if product is None:
            raise _invalid("product", _("Unknown product, or not offered by this municipality."))
        person = None
        if values.get("initiator"):
            person = (
                Person.objects.visible_to(request.user)
                .filter(uuid=values["initiator"], municipality=municipality)
                .first()
            )
            if person is None:
                raise _invalid("initiator", _("Unknown person in this municipality."))
        case = services.case_create(
            municipality=municipality,
            product=product,
            subject=values["subject"],
            description=values["description"],
            channel=values["channel"],
            person=person,
            actor=request.user,
            received_on=values.get("received_on"),
            contested_decision_on=values.get("contested_decision_on"),
        )
        body = s.CaseSerializer(_case(request, case.uuid), context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})


class CaseDetail(APIView):
    @extend_schema(operation_id="cases_retrieve", responses={200: s.CaseSerializer, **ERRORS})
    def get(self, request: StaffApiRequest, uuid: UUID) -> Response:
        return Response(s.CaseSerializer(_case(request, uuid), context={"request": request}).data)


def _changed(request: StaffApiRequest, case: Case) -> Response:
    return Response(s.CaseSerializer(_case(request, case.uuid), context={"request": request}).data)


class CaseStatusChange(APIView):
    @extend_schema(
        operation_id="cases_status_create",
        summary="Move the case to a next step (the workflow of its case type)",
        request=s.StatusChangeSerializer,
        responses={200: s.CaseSerializer, **ERRORS},
    )
    def post(self, request: StaffApiRequest, uuid: UUID) -> Response:
        case = _case(request, uuid)
        data = s.StatusChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        step = case.case_type.steps.filter(code=values["step"]).first()
        if step is None:
            raise _invalid(
                "step", _("This case type has no step “%(code)s”.") % {"code": values["step"]}
            )
        result = None
        if values.get("result"):
            result = case.case_type.results.filter(code=values["result"]).first()
            if result is None:
                raise _invalid(
                    "result",
                    _("This case type has no result “%(code)s”.") % {"code": values["result"]},
                )
        case = services.case_set_status(
            case=case,
            step=step,
            result=result,
            note=values["note"],
            actor=request.user,
            expected_version=values.get("version"),
        )
        return _changed(request, case)


class CaseResult(APIView):
    @extend_schema(
        operation_id="cases_result_create",
        request=s.ResultSerializer,
        responses={200: s.CaseSerializer, **ERRORS},
    )
    def post(self, request: StaffApiRequest, uuid: UUID) -> Response:
        case = _case(request, uuid)
        data = s.ResultSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = case.case_type.results.filter(code=data.validated_data["result"]).first()
        if result is None:
            raise _invalid(
                "result",
                _("This case type has no result “%(code)s”.")
                % {"code": data.validated_data["result"]},
            )
        case = services.case_set_result(
            case=case,
            result=result,
            actor=request.user,
            expected_version=data.validated_data.get("version"),
        )
        return _changed(request, case)


def _reason_action(
    name: str,
    summary: str,
    serializer: type[serializers.Serializer[dict[str, Any]]],
    change: Callable[..., Case],
) -> type[APIView]:
    """An endpoint that sends a reason (and the version seen) to one case service."""

    class View(APIView):
        @extend_schema(
            operation_id=f"cases_{name}_create",
            summary=summary,
            request=serializer,
            responses={200: s.CaseSerializer, **ERRORS},
        )
        def post(self, request: StaffApiRequest, uuid: UUID) -> Response:
            data = serializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = dict(data.validated_data)
            case = change(
                case=_case(request, uuid),
                reason=values.pop("reason"),
                actor=request.user,
                expected_version=values.pop("version", None),
                **values,  # the service's own keyword arguments (dates, basis, term)
            )
            return _changed(request, case)

    View.__name__ = View.__qualname__ = f"Case{name.title()}"
    return View


CaseSuspend = _reason_action(
    "suspend",
    "Suspend the term on a ground of Awb 4:15 (7:10 lid 2 for an objection)",
    s.SuspendSerializer,
    services.case_suspend,
)
CaseResume = _reason_action(
    "resume",
    "Resume a suspended case from the day the information arrived; the terms move by the"
    " suspended days",
    s.ResumeSerializer,
    services.case_resume,
)
CaseExtend = _reason_action(
    "extend",
    "Extend the term on the basis its law gives (special law, Awb 4:14, 7:10, 9:11)",
    s.ExtendSerializer,
    services.case_extend,
)


class CaseDocuments(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="cases_documents_list",
        responses={200: s.DocumentSerializer(many=True), **ERRORS},
    )
    def get(self, request: StaffApiRequest, uuid: UUID) -> Response:
        case = _case(request, uuid)
        documents = case.documents.select_related("case")
        return Response(
            s.DocumentSerializer(documents, many=True, context={"request": request}).data
        )

    @extend_schema(
        operation_id="cases_documents_create",
        request={"multipart/form-data": s.DocumentUploadSerializer},
        responses={201: s.DocumentSerializer, **ERRORS},
    )
    def post(self, request: StaffApiRequest, uuid: UUID) -> Response:
        case = _case(request, uuid)
        data = s.DocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.case_add_document(
            case=case, upload=data.validated_data["file"], actor=request.user
        )
        return Response(
            s.DocumentSerializer(document, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class CaseDocumentContent(APIView):
    @extend_schema(
        operation_id="cases_documents_retrieve",
        responses={
            **{(200, content_type): OpenApiTypes.BINARY for content_type in DOCUMENT_TYPES},
            **ERRORS,
        },
    )
    def get(self, request: StaffApiRequest, uuid: UUID, document: UUID) -> FileResponse:
        case = _case(request, uuid)
        item = CaseDocument.objects.filter(case=case, uuid=document).first()
        if item is None:
            raise Http404
        return FileResponse(
            item.file.open("rb"),
            as_attachment=True,
            filename=item.name,
            content_type=item.content_type,
        )


class Wegwijzer(APIView):
    """The wegwijzer for other front ends (a chat bot, a kiosk): public, like the product pages."""

    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="wegwijzer",
        summary="The products of a municipality that answer a question in the resident's words",
        parameters=[
            OpenApiParameter("q", str, required=True, description="The question, 1-200 chars"),
            OpenApiParameter("municipality", str, required=True, description="Municipality slug"),
        ],
        responses={200: s.WegwijzerSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        from django.urls import reverse

        from loket.tenancy.models import Municipality
        from loket.wegwijzer.services import wegwijzer_search

        question = _query(request, "q").strip()
        if not 1 <= len(question) <= 200:
            raise _invalid("q", _("Ask a question of 1 to 200 characters."))
        town = Municipality.objects.filter(
            slug=_query(request, "municipality"), is_active=True
        ).first()
        if town is None:
            raise _invalid("municipality", _("Unknown municipality."))
        hits = wegwijzer_search(question, municipality=town)
        return Response(
            {
                "question": question,
                "results": [
                    {
                        "slug": hit.product.slug,
                        "name": hit.product.name,
                        "score": hit.score,
                        "url": reverse(
                            "portal:product",
                            kwargs={"municipality": town.slug, "product": hit.product.slug},
                        ),
                    }
                    for hit in hits
                ],
            }
        )
