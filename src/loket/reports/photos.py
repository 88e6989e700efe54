"""A resident's photo, made safe to keep and to show (issue 15): checked to be an image by
decoding it (Pillow), turned upright by its EXIF orientation, scaled down, and re-encoded as a
plain JPEG, so nothing of the original file is kept: no EXIF (GPS position, camera, time), no
XMP or IPTC, no embedded thumbnail, no trailing bytes."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from loket.reports.errors import PhotoRefused

MAX_SIDE = 1600  # pixels on the longest side: sharp on a screen, about 300 kB
MAX_PIXELS = 40_000_000  # larger images are refused before decoding (a "decompression bomb")
MAX_PHOTOS = 3
FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    width: int
    height: int


def clean_photo(upload: Any) -> CleanPhoto:
    """The photo as stored, or ``PhotoRefused`` saying why not; nothing is written here."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    limit_mb = settings.LOKET_MAX_PHOTO_MB
    size = getattr(upload, "size", None)
    if size is None or size > limit_mb * 1024 * 1024:
        raise PhotoRefused(
            _("The photo is too large; the limit is %(mb)s MB.") % {"mb": limit_mb},
            field="photos",
        )
    if size == 0:
        raise PhotoRefused(_("The photo is empty."), field="photos")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    not_an_image = PhotoRefused(
        _("“%(name)s” is not a photo. Use a JPG, PNG or WEBP image.")
        % {"name": str(getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:80]},
        field="photos",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in FORMATS:
                    raise not_an_image
                if probe.width * probe.height > MAX_PIXELS:
                    raise PhotoRefused(_("The photo has too many pixels."), field="photos")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.seek(0)
                upright = ImageOps.exif_transpose(image)
                upright = upright.convert("RGB")
                upright.thumbnail((MAX_SIDE, MAX_SIDE))
                out = io.BytesIO()
                # A new image: no exif=, no icc_profile=, so no metadata goes along.
                upright.save(out, format="JPEG", quality=85, optimize=True)
    except PhotoRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise not_an_image from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(_("The photo has too many pixels."), field="photos") from None
    return CleanPhoto(content=out.getvalue(), width=upright.width, height=upright.height)
