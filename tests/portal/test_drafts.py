"""The application draft kept in the session (``loket.portal.drafts``): one per municipality
and product, with a submission key kept from the start; its files belong to the resident who
uploaded them, and a new file for a field removes the one it replaces."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadedfile import SimpleUploadedFile

from loket.catalogue.models import Product
from loket.portal.drafts import (
    draft_answer,
    draft_clear,
    draft_load,
    draft_open,
    draft_save,
    draft_upload_replace,
    draft_uploads,
)
from loket.portal.identity import Resident
from loket.portal.models import DraftUpload
from loket.tenancy.models import Municipality
from tests.portal.conftest import PDF

EMMA = Resident(method="demo", bsn="111222333")
BAS = Resident(method="demo", bsn="123456782")


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_a_draft_is_started_once_and_kept_with_its_key() -> None:
    session, town = SessionBase(), Municipality(slug="stad")
    passport, parking = Product(slug="paspoort"), Product(slug="parkeervergunning")
    assert draft_load(session, municipality=town, product=passport) is None
    started = draft_open(session, municipality=town, product=passport)
    assert started.key and not started.answers and not started.files
    assert draft_open(session, municipality=town, product=passport).key == started.key
    # Another product, or the same product elsewhere, has a draft of its own.
    assert draft_open(session, municipality=town, product=parking).key != started.key
    elsewhere = draft_open(session, municipality=Municipality(slug="dorp"), product=passport)
    assert elsewhere.key != started.key

    started.answers = {"reden": "verlopen"}
    started.decision = "0d6c1f43-8a7e-4d0c-9d4c-5f3f1e2b7a10"
    draft_save(session, municipality=town, product=passport, draft=started)
    assert draft_load(session, municipality=town, product=passport) == started
    draft_clear(session, municipality=town, product=passport)
    assert draft_load(session, municipality=town, product=passport) is None
    assert draft_load(session, municipality=town, product=parking) is not None


def test_answers_drop_the_files_of_fields_that_no_longer_apply() -> None:
    draft = draft_open(SessionBase(), municipality=Municipality(slug="stad"), product=Product())
    draft.files = {"foto": "a", "machtiging": "b"}
    draft_answer(draft, answers={"voor_ander": False}, unused_files=["machtiging"])
    assert draft.answers == {"voor_ander": False}
    assert draft.files == {"foto": "a"}


@pytest.mark.django_db
def test_a_new_file_replaces_the_old_one_and_files_are_the_residents_own() -> None:
    draft = draft_open(SessionBase(), municipality=Municipality(slug="stad"), product=Product())
    first = draft_upload_replace(draft, resident=EMMA, field_name="foto", upload=_pdf("a.pdf"))
    second = draft_upload_replace(draft, resident=EMMA, field_name="foto", upload=_pdf("b.pdf"))
    assert draft.files == {"foto": str(second.uuid)}
    assert not DraftUpload.objects.filter(pk=first.pk).exists()
    assert {name: upload.pk for name, upload in draft_uploads(draft, resident=EMMA).items()} == {
        "foto": second.pk
    }
    # Another resident's session holding the same id reaches nothing.
    assert draft_uploads(draft, resident=BAS) == {}


def test_a_damaged_session_entry_is_no_draft() -> None:
    session, town, product = SessionBase(), Municipality(slug="stad"), Product(slug="paspoort")
    session["loket_drafts"] = {"stad/paspoort": {"answers": {"x": 1}}}  # no submission key
    assert draft_load(session, municipality=town, product=product) is None
    assert draft_open(session, municipality=town, product=product).key
