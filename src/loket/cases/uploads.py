"""The one check every uploaded document passes, whichever channel it comes through (Mijn Loket,
an online form, the workbench, the API): the types a case accepts, decided by the extension
*and* the contents (``loket.lib.uploads``), and the size limit."""

from __future__ import annotations

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _

from loket.cases.errors import InvalidInput
from loket.lib import uploads

ALLOWED_DOCUMENTS = {
    "pdf": ("application/pdf", b"%PDF"),
    "png": ("image/png", b"\x89PNG"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
    "odt": ("application/vnd.oasis.opendocument.text", b"PK"),
    "txt": ("text/plain", b""),
}


def check_upload(upload: File[bytes]) -> tuple[str, str]:
    """``(name, content_type)`` of an acceptable upload, or InvalidInput saying why not.

    The type is decided by the extension *and* the file's contents, never by what the
    browser claims: the first bytes, and for Office documents and text what is inside
    (``loket.lib.uploads``: a real OOXML/ODF package, UTF-8 text without NUL bytes).
    """
    name = (upload.name or "document").rsplit("/", 1)[-1][:200]
    limit = settings.LOKET_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size is None or upload.size > limit:
        raise InvalidInput(
            _("The file is too large; the limit is %(mb)s MB.")
            % {"mb": settings.LOKET_MAX_UPLOAD_MB}
        )
    if upload.size == 0:
        raise InvalidInput(_("The file is empty."))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_DOCUMENTS:
        raise InvalidInput(
            _("Files of this type are not accepted. Use PDF, JPG, PNG, DOCX, ODT or TXT.")
        )
    content_type, magic = ALLOWED_DOCUMENTS[extension]
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if magic and not head.startswith(magic):
        raise InvalidInput(
            _("The file's contents do not match its type (.%(ext)s).") % {"ext": extension}
        )
    try:
        if extension in uploads.PACKAGES:
            uploads.check_package(upload, extension)
        elif extension == "txt":
            uploads.check_text(upload)
    except uploads.NotWhatItSays as refused:
        raise InvalidInput(str(refused), field="file") from None
    finally:
        upload.seek(0)
    return name, content_type
