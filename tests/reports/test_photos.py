"""A photo is kept without its metadata: the stored file is read back and holds no EXIF, no GPS
position, and is no larger than MAX_SIDE; what is not an image is refused."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from loket.reports.errors import PhotoRefused
from loket.reports.photos import MAX_SIDE, clean_photo
from loket.reports.services import report_create
from tests.reports.conftest import MARKT

# The refusals are matched in English (the Dutch ones are the catalogue's).
pytestmark = pytest.mark.usefixtures("english")

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def jpeg_with_gps(width: int = 2400, height: int = 1200, *, orientation: int = 1) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel X"  # Model
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update(
        {1: "N", 2: (52.0, 1.0, 48.0), 3: "E", 4: (5.0, 3.0, 0.0)}  # 52°01'48" N, 5°03' E
    )
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_the_test_photo_really_carries_gps() -> None:
    with Image.open(io.BytesIO(jpeg_with_gps())) as image:
        assert image.getexif().get_ifd(GPS_IFD)[2] == (52.0, 1.0, 48.0)


def test_the_stored_photo_has_no_exif_and_no_gps(report_town) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("IMG_0001.JPG", jpeg_with_gps(), content_type="image/jpeg")
    made = report_create(
        site=report_town,
        point=MARKT,
        category="zwerfafval",
        description="Glas op de stoep",
        photos=[upload],
    )
    photo = made.report.photos.get()
    with photo.file.open("rb") as stored:
        data = stored.read()
    assert b"Exif" not in data
    assert b"PhoneModel" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        exif = image.getexif()
        assert len(exif) == 0
        assert exif.get_ifd(GPS_IFD) == {}
        assert max(image.size) == MAX_SIDE
        assert image.size == (1600, 800) == (photo.width, photo.height)


def test_a_sideways_photo_is_turned_upright_before_its_exif_goes() -> None:
    # Orientation 6: the camera held sideways; the pixels are 2400 wide, the picture 1200.
    cleaned = clean_photo(SimpleUploadedFile("a.jpg", jpeg_with_gps(2400, 1200, orientation=6)))
    assert (cleaned.width, cleaned.height) == (800, 1600)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("brief.jpg", b"%PDF-1.7 not an image at all", "is not a photo"),
        ("leeg.jpg", b"", "empty"),
        ("kapot.jpg", jpeg_with_gps()[:200], "is not a photo"),
    ],
)
def test_what_is_not_an_image_is_refused(name: str, content: bytes, message: str) -> None:
    with pytest.raises(PhotoRefused, match=message) as refused:
        clean_photo(SimpleUploadedFile(name, content))
    assert refused.value.field == "photos"


def test_a_photo_over_the_size_limit_is_refused(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOKET_MAX_PHOTO_MB = 1
    with pytest.raises(PhotoRefused, match="too large; the limit is 1 MB"):
        clean_photo(SimpleUploadedFile("groot.jpg", b"\xff\xd8" + b"0" * (1024 * 1024)))


def test_an_svg_is_not_accepted_as_a_photo() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(PhotoRefused):
        clean_photo(SimpleUploadedFile("plaatje.jpg", svg))
