"""An upload is what its name says: a .docx must be a real Word package (not any zip), an .odt
a real OpenDocument, a .txt UTF-8 text. One check (``check_upload``) serves Mijn Loket, the
workbench and the API."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from loket.cases.errors import InvalidInput
from loket.cases.models import CaseDocument
from loket.cases.uploads import check_upload
from loket.lib import uploads
from tests.factories import make_case
from tests.portal.conftest import login

pytestmark = pytest.mark.django_db

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def minimal_docx() -> bytes:
    """The smallest package Word opens: content types, the package relationship, the body."""
    return _zip(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/word/document.xml" ContentType="{WORD_MAIN}"/>'
                "</Types>"
            ).encode(),
            "_rels/.rels": (
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                b'<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.'
                b'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
                b"</Relationships>"
            ),
            "word/document.xml": (
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                b"<w:body><w:p><w:r><w:t>Bouwtekening</w:t></w:r></w:p></w:body></w:document>"
            ),
        }
    )


def _file(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_a_zip_renamed_to_docx_is_refused_with_a_dutch_message() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_upload(_file("brief.docx", _zip({"foto.jpg": b"\xff\xd8\xff" + b"0" * 100})))
    assert str(refused.value.message) == (
        "Dit bestand is geen echt Word (.docx)-bestand, al zegt de naam dat wel. Sla het "
        "opnieuw op in uw tekstverwerker, of stuur een pdf."
    )
    assert refused.value.field == "file"


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 not a zip at all",
        _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
        _zip({"[Content_Types].xml": WORD_MAIN.encode()}),  # no document part
    ],
)
def test_other_fake_word_files_are_refused(data: bytes) -> None:
    with pytest.raises(InvalidInput):
        check_upload(_file("brief.docx", data))


def test_a_real_minimal_docx_is_accepted() -> None:
    upload = _file("Bouwtekening.docx", minimal_docx())
    name, content_type = check_upload(upload)
    assert name == "Bouwtekening.docx"
    assert content_type.endswith("wordprocessingml.document")
    assert upload.read(2) == b"PK"  # the file is rewound for storing


def test_odt_must_be_an_opendocument_package() -> None:
    real = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
    assert check_upload(_file("brief.odt", real))[1] == "application/vnd.oasis.opendocument.text"
    with pytest.raises(InvalidInput):
        check_upload(_file("brief.odt", _zip({"content.xml": b"<x/>"})))


def test_a_zip_bomb_is_refused_by_its_declared_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 1024 * 1024)
    bomb = _zip(
        {
            "[Content_Types].xml": WORD_MAIN.encode(),
            "word/document.xml": b"<w:document/>",
            "word/media/zeros.bin": b"\x00" * (2 * 1024 * 1024),
        }
    )
    assert len(bomb) < 20_000
    with pytest.raises(InvalidInput) as refused:
        check_upload(_file("brief.docx", bomb))
    assert "groter dan 1 MB" in str(refused.value.message)


@pytest.mark.parametrize(
    "data",
    [b"\x7fELF\x02\x01\x01\x00\x00\x00", b"caf\xe9 au lait", b"tekst\x00met nul"],
)
def test_a_binary_txt_is_refused(data: bytes) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_upload(_file("notitie.txt", data))
    assert "geen platte tekst (UTF-8)" in str(refused.value.message)


def test_a_utf8_txt_is_accepted() -> None:
    text = "Geachte heer, mevrouw,\nIk stuur de gegevens. Café, één, €\n".encode()
    assert check_upload(_file("notitie.txt", text)) == ("notitie.txt", "text/plain")
    assert check_upload(_file("bom.txt", b"\xef\xbb\xbfhallo"))[1] == "text/plain"


def test_every_entry_point_uses_the_check(
    client: Client, town: Any, resident: Any, demo_login_on: None, settings: Any
) -> None:
    from tests.factories import StaffFactory

    case = make_case(municipality=town, product_slug="parkeervergunning", person=resident)
    fake = _zip({"a.txt": b"hello"})
    # Mijn Loket
    login(client, town, resident)
    response = client.post(
        reverse("portal:mijn_case_upload", kwargs={"municipality": town.slug, "uuid": case.uuid}),
        {"file": _file("bewijs.docx", fake)},
    )
    assert response.status_code == 400
    assert "geen echt Word (.docx)-bestand" in response.content.decode()
    # the workbench
    staff = StaffFactory.create(username="docs", municipalities=[town])
    workbench = Client()
    workbench.force_login(staff)
    response = workbench.post(
        reverse("workbench:case_action", kwargs={"uuid": case.uuid, "action": "document"}),
        {"file": _file("notitie.txt", b"\x00\x01\x02binary")},
    )
    assert response.status_code == 400
    assert "geen platte tekst (UTF-8)" in response.content.decode()
    # the API
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    answer = api.post(
        f"/api/v1/cases/{case.uuid}/documents",
        {"file": _file("bewijs.docx", fake)},
        format="multipart",
    )
    assert answer.status_code == 400
    assert answer.json()["invalidParams"][0]["name"] == "file"
    assert not CaseDocument.objects.exists()
    answer = api.post(
        f"/api/v1/cases/{case.uuid}/documents",
        {"file": _file("bewijs.docx", minimal_docx())},
        format="multipart",
    )
    assert answer.status_code == 201
    assert CaseDocument.objects.get().name == "bewijs.docx"
