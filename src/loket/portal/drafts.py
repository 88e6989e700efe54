"""The application draft: what a resident filled in for one product, kept in their session until
they send it (``loket.portal.services.application_submit``).

One draft per municipality and product. Its ``key`` is the submission key: the form on the
check page carries it, so a second click, the back button or a retried request makes no second
case. Files are stored at once (``DraftUpload``, owned by the resident's identity, removed after
a week by ``loket.portal.jobs.clean_drafts``); the draft holds their ids by field name.

No view logic: the pages of ``loket.portal.apply`` (and the objection link of
``loket.portal.my_cases``) read and write drafts only through these functions.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadedfile import UploadedFile

from loket.catalogue.models import Product
from loket.portal import services
from loket.portal.identity import Resident
from loket.portal.models import DraftUpload
from loket.tenancy.models import Municipality

SESSION_DRAFTS = "loket_drafts"


@dataclass
class Draft:
    key: str  # the submission key (idempotency): one case per draft, however often it is sent
    answers: dict[str, Any] = field(default_factory=dict)  # JSON-safe: ApplicationForm.answers
    files: dict[str, str] = field(default_factory=dict)  # field name -> DraftUpload uuid
    decision: str = ""  # for an objection: the uuid of the contested decision

    @classmethod
    def start(cls) -> Draft:
        return cls(key=uuid.uuid4().hex)


def _slot(municipality: Municipality, product: Product) -> str:
    return f"{municipality.slug}/{product.slug}"


def draft_load(
    session: SessionBase, *, municipality: Municipality, product: Product
) -> Draft | None:
    """The draft for ``product`` in ``municipality``, or None when there is none."""
    data = session.get(SESSION_DRAFTS, {}).get(_slot(municipality, product))
    if not isinstance(data, dict) or not data.get("key"):
        return None
    return Draft(
        key=str(data["key"]),
        answers=dict(data.get("answers") or {}),
        files={str(k): str(v) for k, v in (data.get("files") or {}).items()},
        decision=str(data.get("decision") or ""),
    )


def draft_save(
    session: SessionBase, *, municipality: Municipality, product: Product, draft: Draft
) -> None:
    drafts = dict(session.get(SESSION_DRAFTS, {}))
    drafts[_slot(municipality, product)] = asdict(draft)
    session[SESSION_DRAFTS] = drafts


def draft_open(session: SessionBase, *, municipality: Municipality, product: Product) -> Draft:
    """The draft for ``product`` in ``municipality``; a new, empty one (kept at once, with its
    submission key) when there is none yet."""
    draft = draft_load(session, municipality=municipality, product=product)
    if draft is None:
        draft = Draft.start()
        draft_save(session, municipality=municipality, product=product, draft=draft)
    return draft


def draft_clear(session: SessionBase, *, municipality: Municipality, product: Product) -> None:
    """Forget the draft (it was sent). Its files went into the case."""
    drafts = dict(session.get(SESSION_DRAFTS, {}))
    drafts.pop(_slot(municipality, product), None)
    session[SESSION_DRAFTS] = drafts


def draft_uploads(draft: Draft, *, resident: Resident) -> dict[str, DraftUpload]:
    """The draft's files that still exist and belong to ``resident``, by field name."""
    uploads = DraftUpload.objects.filter(owner=resident.key, uuid__in=list(draft.files.values()))
    by_uuid = {str(upload.uuid): upload for upload in uploads}
    return {name: by_uuid[value] for name, value in draft.files.items() if value in by_uuid}


def draft_upload_replace(
    draft: Draft, *, resident: Resident, field_name: str, upload: UploadedFile[bytes]
) -> DraftUpload:
    """Store ``upload`` for ``field_name`` (checked by the form already) and remove the file it
    replaces. The caller saves the draft."""
    saved = services.save_draft_upload(resident=resident, field=field_name, upload=upload)
    replaced = draft_uploads(draft, resident=resident).get(field_name)
    if replaced is not None:
        replaced.file.delete(save=False)
        replaced.delete()
    draft.files[field_name] = str(saved.uuid)
    return saved


def draft_answer(draft: Draft, *, answers: dict[str, Any], unused_files: Iterable[str]) -> None:
    """The checked answers; files of fields that no longer apply (their condition changed) are
    not sent. The caller saves the draft."""
    draft.answers = answers
    for name in unused_files:
        draft.files.pop(name, None)
